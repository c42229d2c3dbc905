import {
  architectureProblems, checkImports, describeCycle, findImportCycles, importGraph, importsOf, layerOf,
} from './import-rules';

// The checkers on made-up sources, so a regex that stops matching or a rule that stops firing cannot turn
// the real-tree test (import-direction.test.ts) vacuous.
describe('layer rule', () => {
  it('flags an upward import, an adapter imported outside the composition root, a handler reaching for its deps, and a file in no layer', () => {
    const files = new Map([
      ['shared/store/idempotency.port.ts', "import type { OrderResult } from '../orders/order-result';"],
      ['shared/orders/order-result.ts', 'export interface OrderResult {}'],
      ['shared/orders/place.ts', "import { createPaperBroker } from '../broker/paper/paper.broker';\nconst x = import('../store/local/audit.local');"],
      ['shared/broker/paper/paper.broker.ts', "import { PAPER_SPOT } from './paper-pricing';"],
      ['shared/broker/paper/paper-pricing.ts', ''],
      ['shared/store/local/audit.local.ts', ''],
      ['functions/adapters.ts', "import { createPaperBroker } from '../shared/broker/paper/paper.broker';"],
      ['shared/misc/thing.ts', ''],
      ['functions/webhook/webhook.http.ts', "import { getDeps } from '../composition';"],
      ['functions/composition.ts', "import { buildAdapters } from './adapters';"],
      ['functions/index.ts', "import { getDeps } from './composition';"],
    ]);
    expect(checkImports(files)).toEqual([
      { file: 'shared/store/idempotency.port.ts', imports: 'shared/orders/order-result.ts', rule: 'upward' },
      { file: 'shared/orders/place.ts', imports: 'shared/broker/paper/paper.broker.ts', rule: 'adapter-outside-composition-root' },
      { file: 'shared/orders/place.ts', imports: 'shared/store/local/audit.local.ts', rule: 'adapter-outside-composition-root' },
      { file: 'shared/misc/thing.ts', imports: '-', rule: 'unlayered' },
      { file: 'functions/webhook/webhook.http.ts', imports: 'functions/composition.ts', rule: 'reaches-for-the-composition-root' },
    ]);
  });

  it('strategy sits above orders: orders importing strategy fails, strategy importing orders passes', () => {
    expect(layerOf('shared/strategy/execute-legs.ts')).toBeGreaterThan(layerOf('shared/orders/order-result.ts'));
    const files = new Map([
      ['shared/orders/order-result.ts', "import type { LegResult } from '../strategy/leg-result';"],
      ['shared/strategy/leg-result.ts', "import type { OrderResult } from '../orders/accepted-order';"],
      ['shared/orders/accepted-order.ts', ''],
    ]);
    expect(architectureProblems(files)).toEqual([
      'upward import: shared/orders/order-result.ts imports shared/strategy/leg-result.ts (shared/orders sits below shared/strategy)',
    ]);
  });

  it('the market calendar sits below risk and symbols, which read it, and cannot reach up to them', () => {
    const files = new Map([
      ['shared/risk/trading-window.ts', "import { sessionFor } from '../market/market-calendar';"],
      ['shared/symbols/expiry-calendar.ts', "import { sessionFor } from '../market/market-calendar';"],
      ['shared/market/market-calendar.ts', "import { istParts } from '../platform/ist';\nimport type { Exchange } from '../symbols/instrument';"],
      ['shared/platform/ist.ts', ''],
      ['shared/symbols/instrument.ts', ''],
    ]);
    expect(architectureProblems(files)).toEqual([
      'upward import: shared/market/market-calendar.ts imports shared/symbols/instrument.ts (shared/market sits below shared/symbols)',
    ]);
  });

  it('reads multi-line, export-from, side-effect and dynamic imports, and ignores packages', () => {
    const source = "import {\n  a,\n  b,\n} from './ab';\nexport * from '../c';\nimport './d';\nconst e = await import('./e');\nimport x from 'valibot';";
    expect(importsOf(source)).toEqual(['./ab', '../c', './d', './e']);
  });
});

describe('cycle rule', () => {
  it('names both files of a two-file circle, whichever file the walk starts from', () => {
    const files = new Map([
      ['shared/orders/lifecycle/order-tracker.ts', "import { onEntryChange } from './managed-exits';"],
      ['shared/orders/lifecycle/managed-exits.ts', "import { recordAccepted } from './order-tracker';"],
    ]);
    expect(architectureProblems(files)).toEqual([
      'import cycle: shared/orders/lifecycle/managed-exits.ts → shared/orders/lifecycle/order-tracker.ts → shared/orders/lifecycle/managed-exits.ts',
    ]);
  });

  it('finds a longer circle through peers of one layer, and a type-only import closes it too', () => {
    const files = new Map([
      ['shared/risk/a.ts', "import { b } from './b';"],
      ['shared/risk/b.ts', "import { c } from '../notify/c';"],
      ['shared/notify/c.ts', "import type { A } from '../risk/a';\nimport { d } from './d';"],
      ['shared/notify/d.ts', ''],
    ]);
    expect(findImportCycles(importGraph(files))).toEqual([['shared/notify/c.ts', 'shared/risk/a.ts', 'shared/risk/b.ts', 'shared/notify/c.ts']]);
  });

  it('reports each separate circle once, a file importing itself, and nothing for a diamond', () => {
    const graph = new Map<string, string[]>([
      ['a.ts', ['b.ts']], ['b.ts', ['a.ts']],
      ['self.ts', ['self.ts']],
      ['top.ts', ['left.ts', 'right.ts']], ['left.ts', ['bottom.ts']], ['right.ts', ['bottom.ts']], ['bottom.ts', []],
      ['x.ts', ['y.ts']], ['y.ts', ['z.ts']], ['z.ts', ['x.ts', 'y.ts']],
    ]);
    expect(findImportCycles(graph).map(describeCycle)).toEqual([
      'import cycle: a.ts → b.ts → a.ts',
      'import cycle: self.ts → self.ts',
      'import cycle: x.ts → y.ts → z.ts → x.ts',
    ]);
  });

  it('an acyclic tree has no circles', () => {
    expect(findImportCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', []]]))).toEqual([]);
  });
});
