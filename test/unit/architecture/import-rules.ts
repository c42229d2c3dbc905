import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The house rule "layers point one way", as data. A module may import its own layer or any lower one.
 * Within a layer the folders are peers, except that symbols sit below broker and store: a broker may
 * price an instrument, but the symbol master must never need a broker.
 */
export const LAYERS: ReadonlyArray<readonly string[]> = [
  ['shared/errors', 'shared/platform', 'shared/config'],
  ['shared/alert', 'shared/risk', 'shared/notify', 'shared/secrets', 'shared/blob', 'shared/tokens', 'shared/controls'],
  ['shared/symbols'],
  ['shared/broker', 'shared/store'],
  // Strategies (position mode, multi-leg, flatten, square-off, loss limit) are use cases beside single orders.
  ['shared/orders', 'shared/strategy'],
  ['functions'],
];

/** Implementations of a port. Only the composition root picks them; elsewhere code sees the port. */
export const ADAPTER_DIRS = ['shared/broker/fyers', 'shared/broker/paper', 'shared/store/firestore', 'shared/store/local'];
export const ADAPTER_FILES = [
  'shared/blob/blob.gcs.ts',
  'shared/blob/blob.local.ts',
  'shared/secrets/secrets.env.ts',
  'shared/secrets/secrets.secret-manager.ts',
  'shared/notify/notifier.pubsub.ts',
  'shared/notify/notifier.log.ts',
  'shared/notify/forward-notification.ts',
];
export const COMPOSITION_ROOT = ['functions/composition.ts', 'functions/adapters.ts'];
/** Entry points wire the instance; everything below them receives its dependencies and never reaches back. */
export const ENTRY_POINTS = ['functions/index.ts', 'functions/local-server.ts'];

export const layerOf = (file: string): number => {
  let best = -1;
  let bestLen = -1;
  LAYERS.forEach((dirs, i) => {
    for (const d of dirs) if ((file === d || file.startsWith(d + '/')) && d.length > bestLen) [best, bestLen] = [i, d.length];
  });
  return best;
};

/** The adapter a file belongs to (its folder, or the file itself), or undefined for a non-adapter. */
export const adapterOf = (file: string): string | undefined =>
  ADAPTER_DIRS.find((d) => file.startsWith(d + '/')) ?? ADAPTER_FILES.find((f) => f === file);

/** Relative specifiers of every static import/export-from and dynamic import() in a source text. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec?.startsWith('.')) out.push(spec);
  }
  return out;
}

/** Resolves a relative specifier to a repo-relative .ts path (directory imports → index.ts). */
export function resolveImport(from: string, spec: string, exists: (p: string) => boolean): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (exists(candidate) && candidate.endsWith('.ts')) return candidate;
  return `${base}.ts`;
}

export interface Violation {
  file: string;
  imports: string;
  rule: 'upward' | 'adapter-outside-composition-root' | 'unlayered' | 'reaches-for-the-composition-root';
}

export function checkImports(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const exists = (p: string) => files.has(p);
  for (const [file, source] of files) {
    const from = layerOf(file);
    if (from < 0) {
      violations.push({ file, imports: '-', rule: 'unlayered' });
      continue;
    }
    for (const spec of importsOf(source)) {
      const target = resolveImport(file, spec, exists);
      const to = layerOf(target);
      if (to < 0) continue; // outside functions/ and shared/ (none today)
      if (to > from) violations.push({ file, imports: target, rule: 'upward' });
      if (COMPOSITION_ROOT.includes(target) && !ENTRY_POINTS.includes(file) && !COMPOSITION_ROOT.includes(file)) {
        violations.push({ file, imports: target, rule: 'reaches-for-the-composition-root' });
      }
      const adapter = adapterOf(target);
      if (adapter && !COMPOSITION_ROOT.includes(file) && adapterOf(file) !== adapter) {
        violations.push({ file, imports: target, rule: 'adapter-outside-composition-root' });
      }
    }
  }
  return violations;
}

export function readSources(root: string, dirs: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.set(p, readFileSync(path.join(root, p), 'utf8'));
    }
  };
  for (const d of dirs) walk(d);
  return files;
}
