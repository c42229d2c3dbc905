import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The house rule "layers point one way", as data, lowest first. A module may import its own layer or any
 * lower one. Within a layer the folders are peers; the cycle check below keeps peers from leaning on each
 * other in a circle.
 */
export const LAYERS: ReadonlyArray<readonly string[]> = [
  ['shared/errors', 'shared/platform', 'shared/config'],
  // Exchange facts (session hours, the closing-time change by date): nothing of ours, so below every rule that reads them.
  ['shared/market'],
  ['shared/alert', 'shared/risk', 'shared/notify', 'shared/secrets', 'shared/blob', 'shared/tokens', 'shared/controls'],
  // Symbols sit below broker and store: a broker may price an instrument, but the symbol master must never need a broker.
  ['shared/symbols'],
  ['shared/broker', 'shared/store'],
  // Single orders and their lifecycle (postbacks, reconcile, managed exits).
  ['shared/orders'],
  // Strategies (position mode, multi-leg, flatten, square-off, loss limit) are built from orders, so they sit
  // above them: an order's result must not need to know about a strategy's legs.
  ['shared/strategy'],
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
/** The composition root's per-module wiring factories: part of the root, so they may see adapters. */
export const WIRING_DIR = 'functions/wiring/';
const inRoot = (file: string) => COMPOSITION_ROOT.includes(file) || file.startsWith(WIRING_DIR);
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
      if (inRoot(target) && !ENTRY_POINTS.includes(file) && !inRoot(file)) {
        violations.push({ file, imports: target, rule: 'reaches-for-the-composition-root' });
      }
      const adapter = adapterOf(target);
      if (adapter && !inRoot(file) && adapterOf(file) !== adapter) {
        violations.push({ file, imports: target, rule: 'adapter-outside-composition-root' });
      }
    }
  }
  return violations;
}

/** Which layer a folder-level violation crossed, in words, so a failing run says what to move. */
const layerName = (file: string): string => LAYERS[layerOf(file)]?.find((d) => file === d || file.startsWith(d + '/')) ?? '(no layer)';

/** One line per violation, the way the real-tree test prints them. */
export function describeViolation(v: Violation): string {
  switch (v.rule) {
    case 'upward':
      return `upward import: ${v.file} imports ${v.imports} (${layerName(v.file)} sits below ${layerName(v.imports)})`;
    case 'unlayered':
      return `unlayered: ${v.file} is in no folder of LAYERS`;
    case 'adapter-outside-composition-root':
      return `adapter outside the composition root: ${v.file} imports ${v.imports}`;
    case 'reaches-for-the-composition-root':
      return `reaches for the composition root: ${v.file} imports ${v.imports}`;
  }
}

/**
 * Who imports whom, as repo-relative .ts paths. Type-only imports count: a circle of types is still two
 * modules that cannot be understood, moved or tested apart. Imports of files outside the set are kept, so
 * a missing file shows up as a node with no edges rather than vanishing.
 */
export function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const exists = (p: string) => files.has(p);
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) graph.set(file, [...new Set(importsOf(source).map((spec) => resolveImport(file, spec, exists)))]);
  return graph;
}

/**
 * Every import circle, one per strongly connected group of modules, each written as the shortest circle
 * through the group's first file (alphabetically) and back: ['a.ts', 'b.ts', 'a.ts']. A file importing
 * itself is a circle of one. Sorted, so the output is stable whatever order the files were read in.
 */
export function findImportCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const edges = (n: string) => graph.get(n) ?? [];
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      group.push(w);
      if (w === v) break;
    }
    if (group.length > 1 || edges(v).includes(v)) groups.push(group);
  };
  for (const n of [...graph.keys()].sort()) if (!index.has(n)) visit(n);

  return groups.map((group) => shortestCircle(group.sort()[0]!, new Set(group), edges)).sort((a, b) => a.join().localeCompare(b.join()));
}

/** Breadth-first from `start` inside its group until an edge leads back to it. */
function shortestCircle(start: string, group: ReadonlySet<string>, edges: (n: string) => readonly string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of [...edges(v)].sort()) {
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (group.has(w) && !cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable for a real group: every member lies on a circle through start
}

export const describeCycle = (cycle: readonly string[]): string => `import cycle: ${cycle.join(' → ')}`;

/** Everything wrong with a source tree's imports, one readable line each; empty when the rules hold. */
export function architectureProblems(files: ReadonlyMap<string, string>): string[] {
  return [...checkImports(files).map(describeViolation), ...findImportCycles(importGraph(files)).map(describeCycle)];
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
