import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { istParts } from '../../shared/platform/ist';
import { createLocalAuditLog } from '../../shared/store/local/audit.local';
import { PAPER_SPOT } from '../../shared/broker/paper/paper-pricing';
import { startFakeFyers, type FakeFyers } from '../fake-fyers';
import { CONTROLS_KEY, FYERS_APP_SECRET, WEBHOOK_SECRET, niftyAlert, sampleInstruments, tempDir } from './helpers/bridge-kit';

/**
 * SIGTERM to a real Functions Framework process (the one Cloud Run runs) while an order is in flight at a
 * slow Fyers: the order is placed once and recorded, a new alert after the signal is refused with 503
 * (nothing sent; TradingView resends), and the process exits by itself.
 */
const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(ROOT, 'test/emulator/workers/run-ts.cjs');
const FRAMEWORK = path.join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

let fake: FakeFyers;
let dataDir: string;
let child: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await fake?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('finishes and records the order in flight, refuses new alerts with 503, then exits', async () => {
    fake = await startFakeFyers({ instruments: sampleInstruments(Date.now()), ltp: { 'NSE:NIFTY50-INDEX': PAPER_SPOT.NIFTY! }, appSecret: FYERS_APP_SECRET });
    dataDir = await tempDir('shutdown');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let stderr = '';
    child = spawn(process.execPath, [RUNNER, FRAMEWORK, '--source', path.join(ROOT, 'functions/index.ts'), '--port', String(port)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        FUNCTION_TARGET: 'webhook',
        BROKER: 'fyers',
        ALLOW_SAMPLE_MASTER: 'true',
        FYERS_APP_ID: fake.state.appId,
        FYERS_APP_SECRET,
        FYERS_API_URL: fake.apiUrl,
        FYERS_DATA_URL: fake.dataUrl,
        FYERS_ACCESS_TOKEN: fake.issueAccessToken(),
        PUBLIC_BASE_URL: 'http://127.0.0.1:9',
        WEBHOOK_SECRET,
        CONTROLS_KEY,
        DATA_DIR: dataDir,
        STORE: 'local',
        SECRETS: 'env',
        ENFORCE_TRADING_WINDOW: 'false',
        BROKER_TIMEOUT_MS: '2800',
        LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal })));

    // Up and warm: a GET is refused at the door (405) without an audit record.
    // Loose bound: the child transpiles the whole project at start, slow on a loaded 2-core box.
    await until('the server to listen', () => fetch(`${base}/`).then((r) => r.status === 405, () => child!.exitCode !== null && Promise.reject(new Error(`the server died: ${stderr.slice(-2000)}`))), 90_000);
    const warm = await fetch(base, { method: 'POST', body: JSON.stringify(niftyAlert({ strikeprice: 'bad' })) });
    expect(warm.status).toBe(400);

    // Fyers takes the order at once but answers 1 s later: the alert is mid-order when SIGTERM lands.
    fake.inject('place-order', { kind: 'latency', ms: 1000, phase: 'after' }, 1);
    const inFlight = fetch(base, { method: 'POST', body: JSON.stringify(niftyAlert()) });
    await until('the order to reach Fyers', () => fake.state.orders.length === 1);
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));

    const late = await fetch(base, { method: 'POST', body: JSON.stringify(niftyAlert({ comment: 'after SIGTERM' })) });
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('1');
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('SHUTTING_DOWN');

    const placed = await inFlight;
    const body = (await placed.json()) as { status: string; orderId: string; requestId: string };
    expect(placed.status).toBe(200);
    expect(body.status).toBe('accepted'); // accepted is not filled (MPP): the answer says so

    const { code, signal } = await exited;
    expect({ code, signal, stderr: stderr.slice(-1000) }).toMatchObject({ code: 0, signal: null });
    expect(fake.state.orders).toHaveLength(1);
    expect(fake.state.orders[0]!.id).toBe(body.orderId);
    const audit = await createLocalAuditLog(path.join(dataDir, 'store', 'audit')).list({ day: istParts(Date.now()).date });
    expect(audit.map((e) => e.status).sort()).toEqual(['alert_invalid', 'placed']);
    expect(audit.find((e) => e.status === 'placed')).toMatchObject({ requestId: body.requestId, httpStatus: 200 });
  }, 150_000);
});
