/**
 * terraform/monitoring.tf turns log lines into metrics and alerts by matching their `message` and
 * fields (docs/monitoring.md lists them). Renaming one silently empties a metric and disarms its alert,
 * so this checks that the code still writes what the filters read: the webhook's and the Fyers
 * adapter's lines by running an alert through the bridge against the fake Fyers, the rest by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../shared/platform/logger';
import { WEBHOOK_SECRET, niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

const ROOT = path.resolve(__dirname, '../..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const monitoringTf = read('terraform/monitoring.tf');

const lines: Array<Record<string, unknown>> = [];
let bridge: Bridge;

beforeAll(async () => {
  bridge = await startBridge({ logger: createLogger({ level: 'DEBUG', sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }) });
  await storeLogin(bridge);
  await sendAlert(bridge.deps, niftyAlert());
  await sendAlert(bridge.deps, niftyAlert({ token: `${WEBHOOK_SECRET}-wrong` }));
});
afterAll(() => bridge.close());

const filterReads = (field: string) => expect(monitoringTf).toContain(field);

describe('the log lines the monitoring filters read', () => {
  it('webhook: "alert handled" with status, httpStatus and latencyMs, for orders and refusals alike', () => {
    const handled = lines.filter((l) => l.message === 'alert handled');
    expect(handled).toEqual([
      expect.objectContaining({ status: 'placed', httpStatus: 200, latencyMs: expect.any(Number) }),
      expect.objectContaining({ status: 'unauthorized', httpStatus: 401, latencyMs: expect.any(Number) }),
    ]);
    filterReads('jsonPayload.message=\\"alert handled\\"');
    for (const f of ['jsonPayload.status', 'jsonPayload.httpStatus', 'jsonPayload.latencyMs']) filterReads(f);
  });

  it('Fyers adapter: every line carries broker = "fyers", order lines carry outcome', () => {
    const placed = lines.find((l) => l.message === 'fyers order placed');
    expect(placed).toMatchObject({ broker: 'fyers', outcome: 'placed' });
    filterReads('jsonPayload.broker=\\"fyers\\"');
    filterReads('jsonPayload.outcome');
    expect(monitoringTf).toContain('NOT jsonPayload.message=\\"fyers order rejected\\"');
    expect(read('shared/broker/fyers/fyers.api.ts')).toContain("'fyers order rejected'");
  });

  it('the other functions still write the messages and fields the filters name', () => {
    const writes = (file: string, snippet: string) => expect({ file, has: read(file).includes(snippet) }).toEqual({ file, has: true });
    writes('functions/notify/notify.handler.ts', "deps.logger.info('notification forwarded', { kind: n.kind");
    writes('shared/notify/forward-notification.ts', "opts.logger.info('notification forwarded', { kind: n.kind, host");
    writes('functions/auth/auth.handler.ts', "'login completed'");
    writes('functions/token-keeper/token-keeper.handler.ts', "'session refreshed'");
    writes('functions/symbol-master/refresh-symbol-master.handler.ts', "'symbol master refreshed'");
    writes('shared/notify/notifier.port.ts', "'broker.circuit_open'");
    writes('shared/notify/notifier.port.ts', "'symbol_master.failed'");
    for (const m of ['notification forwarded', 'login completed', 'session refreshed', 'symbol master refreshed', 'broker.circuit_open', 'symbol_master.failed']) {
      expect(monitoringTf).toContain(m);
    }
  });
});
