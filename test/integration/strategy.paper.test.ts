import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDeps, type AppDeps } from '../../functions/composition';
import { handleWebhook } from '../../functions/webhook/webhook.handler';
import { PAPER_DEMO_SECRET } from '../../functions/adapters';
import { parseConfig } from '../../shared/config/config';
import { silentLogger } from '../../shared/platform/logger';

/** `npm start`'s paper broker runs strategy alerts too: a position, a structure and a flatten. */
let deps: AppDeps;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'strategy-paper-'));
  deps = await buildDeps(parseConfig({ DATA_DIR: dir, LOG_LEVEL: 'ERROR' }), { logger: silentLogger });
});
afterAll(async () => {
  await deps.close();
  rmSync(dir, { recursive: true, force: true });
});

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
