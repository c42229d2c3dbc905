/**
 * Done-when: a fill places the exits once, even when the same postback arrives three times at each
 * of two instances while a third runs reconciles, all separate OS processes on the emulators.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startFakeFyers, type FakeFyers } from '../fake-fyers';
import { recordAccepted } from '../../shared/orders/lifecycle/order-tracker';
import { requireEmulators, uniquePrefix } from './helpers/emulator-env';
import { orderEventsSink, waitUntil } from './helpers/order-events-sink';
import { buildLifecycle } from './workers/lifecycle-deps';
import type { LifecycleJob } from './workers/lifecycle-worker';

jest.setTimeout(180_000);
const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(__dirname, 'workers', 'run-ts.cjs');
const WORKER = path.join(__dirname, 'workers', 'lifecycle-worker.ts');
const TICKER = 'NSE:NIFTY2672124400CE';
const SECRET = 'race-postback-secret';

interface Worker {
  child: ChildProcess;
  ready: Promise<string>;
  report: Promise<Record<string, unknown>>;
}

function startWorker(job: LifecycleJob): Worker {
  const child = spawn(process.execPath, [RUNNER, WORKER, JSON.stringify(job)], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let err = '';
  let onReady: (u: string) => void = () => undefined;
  let onReport: (r: Record<string, unknown>) => void = () => undefined;
  const ready = new Promise<string>((r) => (onReady = r));
  const report = new Promise<Record<string, unknown>>((resolve, reject) => {
    onReport = resolve;
    child.on('exit', (code) => code !== 0 && reject(new Error(`worker exited ${code}: ${err}`)));
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const msg = JSON.parse(line) as { ready?: string; report?: Record<string, unknown> };
        if (msg.ready) onReady(msg.ready);
        if (msg.report) onReport(msg.report);
      } catch {
        /* log lines of the worker's own logger go to its sink, not stdout */
      }
    }
  });
  return { child, ready, report };
}

let fake: FakeFyers | undefined;
let relay: Server | undefined;
afterAll(async () => {
  await fake?.close();
  await new Promise((r) => (relay ? relay.close(r) : r(undefined)));
});

it('places the stop and the target exactly once although two processes each get the fill postback three times while a third reconciles', async () => {
  const { projectId } = requireEmulators();
  const sink = await orderEventsSink(projectId, `race-${randomBytes(4).toString('hex')}`);
  fake = await startFakeFyers({ ltp: { [TICKER]: 150 }, planFor: (o) => (o.orderTag === '1:raceentry' ? {} : undefined) });
  const token = fake.issueAccessToken();
  const wiring = { prefix: uniquePrefix('race'), projectId, apiUrl: fake.apiUrl, appId: fake.state.appId, token, topic: sink.topic, instanceId: 'x', managedExits: true };
  const runForMs = 40_000;
  const workers = [
    startWorker({ mode: 'serve', wiring: { ...wiring, instanceId: 'p1' }, runForMs, postbackSecret: SECRET }),
    startWorker({ mode: 'serve', wiring: { ...wiring, instanceId: 'p2' }, runForMs, postbackSecret: SECRET }),
    startWorker({ mode: 'reconcile', wiring: { ...wiring, instanceId: 'p3' }, runForMs, postbackSecret: SECRET }),
  ];
  const [url1, url2] = await Promise.all([workers[0]!.ready, workers[1]!.ready, workers[2]!.ready]);
  // Every postback Fyers sends (three copies) goes to both serving processes at once.
  relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { 'content-type': 'application/json', 'x-fyers-signature': String(req.headers['x-fyers-signature']) };
      void Promise.all([url1, url2].map((u) => fetch(u!, { method: 'POST', headers, body }).then((r) => r.text()))).then(() => res.writeHead(200).end());
    });
  });
  await new Promise<void>((r) => relay!.listen(0, '127.0.0.1', r));
  fake.lifecycle.setPostbacks({ url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}/`, secret: SECRET, signing: 'hmac', copies: 3 });

  const here = buildLifecycle({ ...wiring, instanceId: 'test' });
  try {
    const res = await fetch(`${fake.apiUrl}/orders/sync`, {
      method: 'POST', headers: { authorization: `${fake.state.appId}:${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: TICKER, qty: 130, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', orderTag: 'raceentry' }),
    });
    const entryId = ((await res.json()) as { id: string }).id;
    await recordAccepted(here.deps, { status: 'placed', orderId: entryId, orderTag: 'raceentry', requestId: 'req-race', symbol: TICKER, side: 'BUY', qty: 130, productType: 'INTRADAY', orderType: 'MARKET', exits: { slPoints: 10, tpPoints: 20, tickSize: 0.05 } }, { publishNow: false });
    fake.lifecycle.fillNow(entryId, 130, 150);

    const exits = () => fake!.state.orders.filter((o) => o.orderTag.startsWith('1:X'));
    await waitUntil(() => exits().length >= 2, 60_000, 'exit orders');
    await Promise.all(workers.map((w) => w.report));
    await fake.lifecycle.settled();

    expect(exits().map((o) => [o.type, o.qty]).sort()).toEqual([[1, 130], [4, 130]]);
    expect(fake.state.orders).toHaveLength(3);
    expect(await here.deps.records.get(entryId)).toMatchObject({ state: 'filled', exits: { stop: { status: 'placed' }, target: { status: 'placed' } } });
    const reports = await Promise.all(workers.map((w) => w.report));
    expect((reports[2]!.runs as number) > 1).toBe(true);

    await waitUntil(() => sink.events.length >= 4, 30_000, 'events');
    await new Promise((r) => setTimeout(r, 2000));
    const ids = sink.events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sink.events.filter((e) => e.recordId === entryId).map((e) => e.type)).toEqual(['order.accepted', 'order.filled']);
    expect(sink.events.filter((e) => e.role === 'stop' || e.role === 'target').map((e) => e.type)).toEqual(['order.accepted', 'order.accepted']);
    // Each instance got the fill three times, and each got every postback of the legs three times too.
    expect((reports[0]!.answers as number[]).length).toBeGreaterThanOrEqual(3);
    expect([...(reports[0]!.answers as number[]), ...(reports[1]!.answers as number[])].every((s) => s === 200)).toBe(true);
    const placedNotes = reports.flatMap((r) => (r.notifications as string[]).filter((k) => k === 'exit.placed'));
    expect(placedNotes.length + here.notifications.filter((n) => n.kind === 'exit.placed').length).toBe(1);
  } finally {
    await here.close();
    await sink.close();
    for (const w of workers) if (w.child.exitCode === null) w.child.kill();
  }
});
