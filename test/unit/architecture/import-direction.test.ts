import path from 'node:path';
import { checkImports, readSources } from './import-rules';

const ROOT = path.resolve(__dirname, '../../..');

describe('import direction', () => {
  it('functions/ and shared/ import only down the layers, and adapters only from the composition root', () => {
    const files = readSources(ROOT, ['functions', 'shared']);
    expect(files.size).toBeGreaterThan(100);
    expect(checkImports(files)).toEqual([]);
  });

  // The checker itself, on made-up sources, so a regex that stops matching cannot turn the test above vacuous.
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
});
