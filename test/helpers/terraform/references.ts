import { parseHcl, stripComments } from './hcl-lite';
import type { SourceFile } from './terraform-model';

/**
 * `var.`, `local.`, `data.`, `module.` and resource references in one module's files that name
 * nothing declared there. A cheap stand-in for `terraform validate` where the providers cannot be
 * downloaded: it catches typos and renamed resources, not type errors.
 */
export function unresolvedReferences(moduleFiles: SourceFile[]): string[] {
  const texts = moduleFiles.map((f) => stripComments(f.text));
  const declared = new Set<string>();
  for (const t of texts) {
    for (const b of parseHcl(t).blocks) {
      if (b.type === 'variable') declared.add(`var.${b.labels[0]}`);
      if (b.type === 'locals') for (const k of Object.keys(b.body.attributes)) declared.add(`local.${k}`);
      if (b.type === 'resource') declared.add(b.labels.join('.'));
      if (b.type === 'data') declared.add(`data.${b.labels.join('.')}`);
      if (b.type === 'module') declared.add(`module.${b.labels[0]}`);
    }
  }
  const patterns = [/\bvar\.\w+/g, /\blocal\.\w+/g, /\bdata\.\w+\.\w+/g, /\bmodule\.\w+/g, /(?<![\w".])google_[a-z0-9_]+\.\w+/g];
  const missing = new Set<string>();
  for (const t of texts) for (const re of patterns) for (const m of t.matchAll(re)) if (!declared.has(m[0])) missing.add(m[0]);
  return [...missing].sort();
}
