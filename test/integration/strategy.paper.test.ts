import type { AppDeps } from '../../functions/composition';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { PAPER_DEMO_SECRET } from '../../functions/adapters';
import { startHarness, type Harness } from '../helpers/bridge-harness';

/** `npm start`'s paper broker runs strategy alerts too: a position, a structure and a flatten. */
let bridge: Harness;
let deps: AppDeps;
beforeAll(async () => {
  bridge = await startHarness({ label: 'strategy-paper', env: { LOG_LEVEL: 'ERROR' } });
  deps = bridge.deps;
});
afterAll(() => bridge.close());

const send = (body: Record<string, unknown>) =>
  handleWebhook(deps.webhook, { method: 'POST', rawBody: Buffer.from(JSON.stringify({ token: PAPER_DEMO_SECRET, symbol: 'NIFTY', ...body })), headers: {}, sourceIp: '127.0.0.1' });

it('position, straddle and flatten on the paper broker', async () => {
  expect((await send({ strategy: 'p', position: 'long', idempotency_key: 'p1' })).status).toBe(200);
  const straddle = await send({ strategy: 'q', legs: [{ optionType: 'CE', strike: 'ATM', action: 'BUY' }, { optionType: 'PE', strike: 'ATM', action: 'BUY' }], idempotency_key: 'p2' });
  expect(straddle.status).toBe(200);
  expect((straddle.body.legs as unknown[]).length).toBe(2);
  const flat = await send({ intent: 'flatten', idempotency_key: 'p3' });
  expect(flat.status).toBe(200);
  expect((flat.body.legs as unknown[]).length).toBe(3);
  const positions = await deps.adapters.broker.getPositions();
  expect(positions.every((p) => p.netQty === 0)).toBe(true);
});
