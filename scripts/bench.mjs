#!/usr/bin/env node
// Benchmarks, printed as one table:
//   - webhook overhead (latency minus the fake broker's fixed latency per call it made), beside a bare
//     Functions Framework HTTP function making the same broker call and a floor that also makes the
//     same durable writes (scripts/bench-floor.cjs), in the same run, as ratios, on the local store and
//     the Firestore emulator, with store writes and broker calls per alert counted;
//   - burst capacity: distinct alerts at once against the 8 calls/s pacing budget, in alerts/s;
//   - memory: RSS after a minute at 10 concurrent alerts (Firestore emulator);
//   - cold start: process start to the first answered alert, fresh processes: the deployed shape
//     (functions-framework --target=webhook), as deployed (the full-size index from Cloud Storage), the
//     one-port local server and the floor; and the module-load time of dist/functions/index.js;
//   - symbol master: parse + index time and memory for a generated full-size NSE_FO (100k rows), lookup per resolve;
//   - idempotency claim latency on the Firestore emulator (when FIRESTORE_EMULATOR_HOST is set) and the local store.
//   - order lifecycle: fill postback → exit orders latency, and one reconcile of 200 open orders.
//
//   npm run bench                                   (emulator rows say skipped)
//   node scripts/with-emulators.mjs npm run bench   (all rows)
//
// `npm run bench` builds dist/ (what runs in production) and dist-scripts/ (the same code plus the test
// doubles: fake Fyers, helpers) with tsconfig.scripts.json. Loopback only.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ds = (p) => require(path.join(ROOT, 'dist-scripts', p));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
};
const median = (v) => pct(v, 50);
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// ---- symbol master, in a child with --expose-gc so the memory numbers are this work's alone ----
// The parent writes the full-size files first; the child reads one into a string, collects garbage and only
// then starts measuring, so peak RSS growth is the parse and index alone, not the generator's.
if (process.argv.includes('--freeze')) {
  // The JSON master streamed from disk in 256 KB chunks through the freeze scanner, as a download would arrive.
  const file = process.argv[process.argv.indexOf('--freeze') + 1];
  const { createReadStream } = await import('node:fs');
  const { scanFreezeQuantities } = ds('shared/symbols/scan-freeze-quantities.js');
  globalThis.gc();
  const rss0 = process.memoryUsage().rss;
  const maxRss0 = process.resourceUsage().maxRSS * 1024;
  const t0 = performance.now();
  const scan = await scanFreezeQuantities(createReadStream(file, { highWaterMark: 256 * 1024 }));
  const ms = performance.now() - t0;
  const peak = Math.max(process.resourceUsage().maxRSS * 1024 - maxRss0, process.memoryUsage().rss - rss0);
  process.stdout.write(JSON.stringify({ ms, peak, entries: scan.entries, withFreeze: scan.freeze.size, rssTotal: process.memoryUsage().rss }));
  process.exit(0);
}

if (process.argv.includes('--symbols')) {
  const [kind, file] = process.argv.slice(process.argv.indexOf('--symbols') + 1);
  const { parseSymbolMaster } = ds('shared/symbols/parse-symbol-master.js');
  const { parseJsonSymbolMaster } = ds('shared/symbols/parse-json-master.js');
  const { buildSymbolIndex } = ds('shared/symbols/symbol-index.js');
  const { resolveInstrument } = ds('shared/symbols/resolve-instrument.js');
  const now = Number(process.argv[process.argv.length - 1]);
  const text = readFileSync(file, 'utf8');
  globalThis.gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const maxRss0 = process.resourceUsage().maxRSS * 1024;
  const t0 = performance.now();
  const parsed = kind === 'json' ? parseJsonSymbolMaster(text) : parseSymbolMaster(text);
  const index = buildSymbolIndex(parsed.instruments, 'bench');
  const parseMs = performance.now() - t0;
  const maxRss1 = process.resourceUsage().maxRSS * 1024;
  const rss1 = process.memoryUsage().rss;
  globalThis.gc();
  const heapRetained = process.memoryUsage().heapUsed - heap0;
  const expiry = index.optionExpiries('NSE', 'NIFTY', now)[0];
  const strikes = index.strikes('NSE', 'NIFTY', expiry, 'CE');
  const N = 100_000;
  let found = 0;
  const t1 = performance.now();
  for (let i = 0; i < N; i++) {
    const inst = resolveInstrument(index, { underlying: 'NIFTY', optionType: i % 2 ? 'CE' : 'PE', expiry: 'nearest', strike: strikes[i % strikes.length] }, { nowMs: now });
    if (inst) found++;
  }
  const lookupUs = ((performance.now() - t1) * 1000) / N;
  const withFreeze = parsed.instruments.filter((i) => i.freezeQty).length;
  process.stdout.write(JSON.stringify({ rows: parsed.rows, instruments: index.instrumentCount, bytes: text.length, parseMs, rssDelta: rss1 - rss0, peakRssDelta: maxRss1 - maxRss0, heapRetained, lookupUs, found, N, withFreeze }));
  process.exit(0);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const rows = [];
const loadAtStart = os.loadavg();
const row = (area, metric, value, note = '') => rows.push({ area, metric, value, note });
const emulator = process.env.FIRESTORE_EMULATOR_HOST;
const emulatorSkip = 'skipped: FIRESTORE_EMULATOR_HOST not set (run under node scripts/with-emulators.mjs)';

// ---- webhook overhead vs a bare function making the same broker call ----
// The webhook sends a named-strike MARKET order: one broker call (the reply's LTP comes from a shared
// recent quote or is left out). The bare function makes that same one call, so both critical paths hold
// one fake latency, which is subtracted from each. Store writes and broker calls per alert are counted
// at the ports; "sequential writes" counts writes started while no other write of the alert was running.
function countCalls(port, names, onCall) {
  const counts = Object.fromEntries(names.map((n) => [n, 0]));
  for (const name of names) {
    const original = port[name];
    port[name] = (...args) => {
      counts[name] += 1;
      return onCall ? onCall(name, () => original.apply(port, args)) : original.apply(port, args);
    };
  }
  return counts;
}

/**
 * Counts the calls passed through `track` (a countCalls onCall), and how many began with no other
 * counted call in flight: those one after another. `take()` returns the tally and starts a new one.
 */
function sequenceTally() {
  let inFlight = 0;
  const tally = { calls: 0, sequential: 0, names: [] };
  return {
    track(name, call) {
      tally.names.push(name);
      tally.calls += 1;
      if (inFlight === 0) tally.sequential += 1;
      inFlight += 1;
      return Promise.resolve(call()).finally(() => (inFlight -= 1));
    },
    take() {
      const t = { ...tally, names: tally.names.splice(0) };
      tally.calls = 0;
      tally.sequential = 0;
      return t;
    },
  };
}

/** Wraps the webhook's write ports: counts writes, and how many began one after another. */
function writeCounter(app) {
  const writes = sequenceTally();
  const w = app.deps.webhook;
  countCalls(w.idempotency, ['claim', 'complete', 'release'], writes.track);
  countCalls(w.audit, ['record'], writes.track);
  countCalls(w.alertCommit, ['commit'], writes.track);
  countCalls(app.deps.adapters.orderRecords, ['create', 'mutate'], writes.track);
  return writes;
}

async function overhead(store) {
  const LATENCY = 20;
  const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);
  const { startFyersApp } = ds('test/helpers/fyers-app.js');
  const functions = require('@google-cloud/functions-framework');
  const { getTestServer } = require('@google-cloud/functions-framework/testing');
  const app = await startFyersApp({ store });
  app.fake.inject('*', { kind: 'latency', ms: LATENCY });
  const token = app.deps.config.localSecrets.fyersAccessToken;
  const auth = `${app.fake.state.appId}:${token}`;
  const probe = app.alert();
  functions.http(`bareBench_${store}`, async (req, res) => {
    const ticker = req.body.ticker;
    const placed = await fetch(`${app.fake.apiUrl}/orders/sync`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: ticker, qty: 65, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 0, takeProfit: 0, orderTag: 'bench' }),
    }).then((o) => o.json());
    res.json(placed);
  });
  const bare = getTestServer(`bareBench_${store}`);
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;
  const { floorHandler } = require(path.join(ROOT, 'scripts/bench-floor.cjs'));
  functions.http(`floorBench_${store}`, floorHandler({
    STORE: store, GOOGLE_CLOUD_PROJECT: app.deps.config.projectId, DATA_DIR: app.deps.config.dataDir,
    FYERS_API_URL: app.fake.apiUrl, FYERS_APP_ID: app.fake.state.appId, FYERS_ACCESS_TOKEN: token,
  }));
  const floor = getTestServer(`floorBench_${store}`);
  await new Promise((r) => floor.listen(0, '127.0.0.1', r));
  const floorUrl = `http://127.0.0.1:${floor.address().port}/`;
  const first = await app.post({ ...probe, idempotency_key: `bench-warm-${store}` });
  const ticker = first.body.symbol;
  const writes = writeCounter(app);
  const web = [];
  const plain = [];
  const floored = [];
  const brokerCalls = [];
  const seq = [];
  const total = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const before = app.fake.state.requests.filter((q) => q.route !== 'profile').length;
      writes.take();
      const t0 = performance.now();
      const r = await app.post({ ...probe, idempotency_key: `bench-${store}-${i}` });
      const took = performance.now() - t0;
      if (r.status !== 200) throw new Error(`webhook answered ${r.status}: ${r.text}`);
      web.push(took - LATENCY);
      const w = writes.take();
      seq.push(w.sequential);
      total.push(w.calls);
      brokerCalls.push(app.fake.state.requests.filter((q) => q.route !== 'profile').length - before);
      const t = performance.now();
      const b = await fetch(bareUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticker }) });
      await b.text();
      plain.push(performance.now() - t - LATENCY);
      const f = performance.now();
      const fl = await fetch(floorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticker, idempotency_key: `floor-${store}-${i}` }) });
      if (fl.status !== 200) throw new Error(`floor answered ${fl.status}: ${await fl.text()}`);
      await fl.text();
      floored.push(performance.now() - f - LATENCY);
      // Stay under the bridge's own pacing (8 broker calls/s): this measures the code path, not the queue.
      await sleep(150);
    }
  } finally {
    await new Promise((r) => bare.close(() => r()));
    await new Promise((r) => floor.close(() => r()));
    await app.close();
  }
  const label = store === 'local' ? 'local store' : 'Firestore emulator';
  const note = `${SAMPLES} sequential named-strike MARKET alerts, one ${LATENCY} ms fake latency subtracted; ${label}`;
  row('webhook', `overhead p50 / p99, ${label}`, `${ms(median(web))} / ${ms(pct(web, 99))}`, note);
  row('webhook', `bare FF function p50 / p99, ${label} run`, `${ms(median(plain))} / ${ms(pct(plain, 99))}`, 'the same one fake-broker call, no pipeline');
  row('webhook', `overhead ratio p50 (webhook / bare), ${label}`, `${(median(web) / median(plain)).toFixed(2)}x`, `target ≤ ${store === 'local' ? '2.0' : '2.5'}x`);
  row('webhook', `floor p50 / p99: bare + the same durable writes, ${label}`, `${ms(median(floored))} / ${ms(pct(floored, 99))}`, 'scripts/bench-floor.cjs: the claim, the one call, one commit; nothing else');
  row('webhook', `floor ratio p50 (floor / bare) and webhook / floor, ${label}`, `${(median(floored) / median(plain)).toFixed(2)}x; ${(median(web) / median(floored)).toFixed(2)}x`, 'what the store alone costs, and what the pipeline adds on top');
  row('webhook', `store writes per alert: in sequence / in all, ${label}`, `${Math.max(...seq)} / ${Math.max(...total)}`, 'max over the samples; counted at the ports (claim, commit; target ≤ 2 in sequence)');
  row('webhook', `broker calls per named-strike MARKET alert, ${label}`, `${Math.max(...brokerCalls)}`, 'max over the samples; target 1 (the order)');
}

// ---- burst capacity at the pacing budget ----
// Distinct named-strike MARKET alerts all posted at once to one instance whose pacer holds 8 calls/s
// (BROKER_MAX_PER_SECOND default): alerts answered 200 per second of wall time, first post to last answer.
async function burst() {
  const N = Number(process.env.BENCH_BURST ?? 40);
  const { startFyersApp } = ds('test/helpers/fyers-app.js');
  const app = await startFyersApp({ store: 'local', env: { IDEMPOTENCY_LEASE_SECONDS: '60' } });
  try {
    await app.post(app.alert({ idempotency_key: 'burst-warm' }));
    await sleep(1100);
    const strikes = Array.from({ length: N }, (_, i) => 24_000 + 50 * (i % 20));
    const t0 = performance.now();
    const answers = await Promise.all(strikes.map((k, i) => app.post(app.alert({ strikeprice: k, optionType: i < 20 ? 'CE' : 'PE', idempotency_key: `burst-${i}` }))));
    const secs = (performance.now() - t0) / 1000;
    const ok = answers.filter((a) => a.status === 200).length;
    row('burst', `${N} distinct named-strike MARKET alerts at once, 8 calls/s budget`, `${(ok / secs).toFixed(1)} alerts/s`, `${ok}/${N} answered 200 in ${secs.toFixed(2)} s; local store; target ≥ 7 alerts/s`);
  } finally {
    await app.close();
  }
}

// ---- memory under sustained load ----
// 10 alerts in flight at all times for BENCH_MEMORY_SECONDS (default 60), then the process's RSS.
/**
 * The webhook's heap is capped as Terraform deploys it (NODE_OPTIONS in functions.tf: half of 512Mi),
 * so the run happens in a child started with that flag; this machine's RAM would otherwise size a heap
 * that a function never gets.
 */
const WEBHOOK_NODE_OPTIONS = ['--max-old-space-size=256'];

async function memory(store) {
  const SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
  if (!process.env.BENCH_MEMORY_CHILD) {
    const out = execFileSync(process.execPath, [...WEBHOOK_NODE_OPTIONS, '--expose-gc', fileURLToPath(import.meta.url)], {
      cwd: ROOT,
      env: { ...process.env, BENCH_ONLY: 'memory', BENCH_MEMORY_CHILD: store },
      maxBuffer: 1 << 20,
    });
    const m = JSON.parse(out.toString().split('\n').find((l) => l.startsWith('{"rss"')));
    const label = store === 'local' ? 'local store' : 'Firestore emulator';
    row('memory', `RSS after ${SECONDS} s at 10 concurrent alerts, ${label}`, `${mb(m.rss)} (heap used ${mb(m.heapUsed)})`, `${m.answered}/${m.sent} answered 200; bench process (bridge + fake in one), ${WEBHOOK_NODE_OPTIONS.join(' ')} as deployed; target < 300 MB`);
    row('memory', `live heap after a full collection / heap reserved, ${label}`, `${mb(m.liveHeap)} / ${mb(m.heapTotal)}`, 'what the load leaves behind: a leak would show here, garbage would not');
    return;
  }
  const { startFyersApp } = ds('test/helpers/fyers-app.js');
  const app = await startFyersApp({ store, env: { BROKER_MAX_PER_SECOND: '10', BROKER_MAX_PER_MINUTE: '200', IDEMPOTENCY_LEASE_SECONDS: '60' } });
  let sent = 0;
  let answered = 0;
  const until = performance.now() + SECONDS * 1000;
  try {
    const worker = async (w) => {
      while (performance.now() < until) {
        const i = sent++;
        const r = await app.post(app.alert({ strikeprice: 24_000 + 50 * (i % 20), optionType: i % 2 ? 'CE' : 'PE', idempotency_key: `mem-${w}-${i}` }));
        if (r.status === 200) answered += 1;
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, w) => worker(w)));
    const m = process.memoryUsage();
    globalThis.gc();
    const after = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, liveHeap: after.heapUsed, sent, answered })}\n`);
  } finally {
    await app.close();
  }
  process.exit(0);
}

// ---- broker round trips before the order reaches Fyers, at a fixed fake latency L ----
// "Reaches Fyers" = the order request arrives plus L (the fake answers after L). Measured from the
// moment the alert is posted, in units of L; the remainder above whole L is our own time.
async function roundTrips(store) {
  const L = Number(process.env.BENCH_LATENCY ?? 100);
  const N = 8;
  const { startFyersApp } = ds('test/helpers/fyers-app.js');
  const app = await startFyersApp({ store });
  app.fake.inject('*', { kind: 'latency', ms: L });
  const measure = async (over, tag) => {
    const out = [];
    for (let i = 0; i < N; i++) {
      const before = app.fake.state.requests.length;
      const t0 = app.clock();
      const r = await app.post(app.alert({ ...over, idempotency_key: `${tag}-${store}-${i}` }));
      if (r.status !== 200) throw new Error(`alert answered ${r.status}: ${r.text}`);
      const order = app.fake.state.requests.slice(before).find((q) => q.route === 'place-order');
      out.push((order.at + L - t0) / L);
      await sleep(400);
    }
    return out;
  };
  try {
    await app.post(app.alert({ idempotency_key: `warm-${store}` }));
    await sleep(400);
    const named = await measure({}, 'named');
    const atm = await measure({ strikeprice: 'ATM' }, 'atm');
    // A resend of a finished ATM alert (the costliest kind): how many Fyers calls does it spend?
    const dupBody = app.alert({ strikeprice: 'ATM', idempotency_key: `dup-${store}` });
    await app.post(dupBody);
    await sleep(400);
    const before = app.fake.state.requests.length;
    const dup = await app.post(dupBody);
    if (dup.body.status !== 'duplicate') throw new Error(`resend answered ${dup.status}: ${dup.text}`);
    const dupCalls = app.fake.state.requests.length - before;
    const quiet = await afterQuiet(app, store, N);
    const fmt = (v) => `${median(v).toFixed(2)} L (max ${Math.max(...v).toFixed(2)} L)`;
    row('round trips', `named-strike MARKET order reaches Fyers, ${store} store`, fmt(named), `median of ${N}, L = ${L} ms; target ≤ 1.25 L (floor 1 L: the order itself)`);
    row('round trips', `store calls before the order leaves, alert after a quiet spell: in series / in all, ${store} store`, `${Math.max(...quiet.series)} / ${Math.max(...quiet.all)}`, `max of ${N}; the clock moved 6 s on before each, past the session token's 5 s cache (the claim, and the token read beside it)`);
    row('round trips', `ATM MARKET order reaches Fyers, ${store} store`, fmt(atm), `median of ${N}; target ≤ 2.25 L (floor 2 L: spot quote, then the order)`);
    row('round trips', `Fyers calls spent on a duplicate resend, ${store} store`, String(dupCalls), 'ATM alert resent after it was placed; target 0');
    await strategyTrips(app, store, L);
  } finally {
    await app.close();
  }
}

/**
 * Most of a trader's alerts come after a quiet spell, when the instance's short caches have lapsed.
 * Counts the store calls (claim, session token, controls) an alert makes before its order reaches the
 * fake, and how many began with no other in flight: the round trips the order waits for in series.
 */
async function afterQuiet(app, store, n) {
  const calls = [];
  let inFlight = 0;
  const track = (name, call) => {
    calls.push({ name, at: app.clock(), series: inFlight === 0 });
    inFlight += 1;
    return Promise.resolve(call()).finally(() => (inFlight -= 1));
  };
  countCalls(app.deps.webhook.idempotency, ['claim'], track);
  countCalls(app.deps.adapters.tokens, ['current'], track);
  countCalls(app.deps.adapters.controls, ['get'], track);
  const out = { series: [], all: [] };
  for (let i = 0; i < n; i++) {
    app.clock.advance(6_000);
    calls.length = 0;
    const before = app.fake.state.requests.length;
    const r = await app.post(app.alert({ idempotency_key: `quiet-${store}-${i}` }));
    if (r.status !== 200) throw new Error(`alert answered ${r.status}: ${r.text}`);
    const order = app.fake.state.requests.slice(before).find((q) => q.route === 'place-order');
    const first = calls.filter((c) => c.at <= order.at);
    out.series.push(first.filter((c) => c.series).length);
    out.all.push(first.length);
  }
  return out;
}

/**
 * A strategy's signals (the trader's day: long with a stop, reversal to short, flat), each answered
 * once its orders are accepted and booked. Per signal: when the first order reached Fyers and when the
 * answer came (in L), the Fyers calls spent, and the store calls made before the answer (reads and
 * writes; "in sequence" counts those started while no other store call of the alert was running).
 */
async function strategyTrips(app, store, L) {
  const N = 4;
  const storeCalls = sequenceTally();
  const w = app.deps.webhook;
  // Each port once (the webhook's holdings are the adapters' holdings): a port wrapped twice counts twice.
  countCalls(w.idempotency, ['claim', 'complete', 'release', 'get'], storeCalls.track);
  countCalls(w.audit, ['record'], storeCalls.track);
  countCalls(w.alertCommit, ['commit'], storeCalls.track);
  countCalls(w.holdings, ['get', 'list', 'apply'], storeCalls.track);
  countCalls(w.leases, ['tryAcquire', 'release'], storeCalls.track);
  countCalls(app.deps.adapters.orderRecords, ['create', 'mutate', 'get'], storeCalls.track);
  countCalls(app.deps.adapters.controls, ['reserveDailyOrder', 'releaseDailyOrder'], storeCalls.track);
  const signals = [['long', 'open'], ['short', 'reversal'], ['flat', 'flat']];
  const rows = Object.fromEntries(signals.map(([, name]) => [name, { first: [], answer: [], broker: [], calls: [], sequential: [] }]));
  for (let i = 0; i < N; i++) {
    for (const [position, name] of signals) {
      const before = app.fake.state.requests.length;
      storeCalls.take();
      const t0 = app.clock();
      const r = await app.post({ token: app.secret, symbol: 'NIFTY', strikeprice: 24_500, strategy: `bench${store}${i}`, position, qty: 1, ...(position === 'flat' ? {} : { sl: 20 }), idempotency_key: `strat-${store}-${i}-${name}` });
      const answered = app.clock();
      if (r.status !== 200) throw new Error(`strategy alert answered ${r.status}: ${r.text}`);
      const tally = storeCalls.take();
      const calls = app.fake.state.requests.slice(before).filter((q) => q.route !== 'profile');
      if (process.env.BENCH_TRACE && i === 0) console.log(name, tally.names.join(' '), '| broker:', calls.map((q) => q.route).join(' '));
      const order = calls.find((q) => q.route === 'place-order' || q.route === 'multi-order');
      const m = rows[name];
      m.first.push((order.at + L - t0) / L);
      m.answer.push((answered - t0) / L);
      m.broker.push(calls.length);
      m.calls.push(tally.calls);
      m.sequential.push(tally.sequential);
      await sleep(400);
    }
  }
  for (const [, name] of signals) {
    const m = rows[name];
    row('round trips', `strategy ${name}: first order reaches Fyers / answer, ${store} store`, `${median(m.first).toFixed(2)} L / ${median(m.answer).toFixed(2)} L`, `median of ${N}, L = ${L} ms; Fyers calls ${Math.max(...m.broker)}; store calls before the answer ${Math.max(...m.sequential)} in sequence / ${Math.max(...m.calls)} in all`);
  }
}

// ---- kill switch across two processes (Firestore emulator) ----
async function killSwitch() {
  const { startControlsWatcher } = ds('test/emulator/helpers/controls-workers.js');
  const { createFirestoreControlsStore } = ds('shared/store/firestore/controls.firestore.js');
  const { Firestore } = require('@google-cloud/firestore');
  const db = new Firestore({ projectId: `demo-bench-kill-${process.pid}` });
  const prefix = `bench-${process.pid}-`;
  const store = createFirestoreControlsStore(db, { prefix });
  const watchers = [];
  const delays = { off: [], on: [] };
  const ROUNDS = Number(process.env.BENCH_KILL_ROUNDS ?? 15);
  try {
    await store.update({ reduceOnly: false }, 'bench', Date.now());
    const env = { ...process.env, GOOGLE_CLOUD_PROJECT: `demo-bench-kill-${process.pid}` };
    watchers.push(...(await Promise.all([startControlsWatcher({ prefix, pollMs: 5 }, env), startControlsWatcher({ prefix, pollMs: 5 }, env)])));
    for (let round = 0; round < ROUNDS; round++) {
      for (const tradingEnabled of [false, true]) {
        const seen = watchers.map((w) => w.sees(tradingEnabled, 30_000));
        const t0 = Date.now();
        await store.update({ tradingEnabled }, 'bench', t0);
        for (const at of await Promise.all(seen)) delays[tradingEnabled ? 'on' : 'off'].push(at - t0);
        await sleep(100);
      }
    }
  } finally {
    for (const w of watchers) w.stop();
    await db.terminate();
  }
  const all = [...delays.off, ...delays.on];
  row('kill switch', 'propagation p50 / p99 across two processes', `${ms(median(all))} / ${ms(pct(all, 99))}`, `${all.length} observations (${ROUNDS} flips each way × 2 processes), write included; target p99 ≤ 1 s`);
  row('kill switch', 'switching off p99 / switching on p99', `${ms(pct(delays.off, 99))} / ${ms(pct(delays.on, 99))}`, 'both travel the same listener; off must never be slower');
}

// ---- cold start ----
/**
 * Two shapes: a deployed function (the Functions Framework's own CLI with --target=webhook and
 * FUNCTION_TARGET set, as Cloud Run starts it: only the webhook's modules load), and `npm start`'s
 * one-port server, which loads and serves every function.
 */
// The Functions Framework's CLI, as Cloud Run starts a deployed function.
const FF_MAIN = path.join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const COLD_SHAPES = {
  function: { args: [FF_MAIN, '--target=webhook', `--source=${ROOT}`], env: { FUNCTION_TARGET: 'webhook' }, path: '/', label: 'deployed shape: functions-framework --target=webhook' },
  local: { args: [path.join(ROOT, 'dist/functions/local-server.js')], env: {}, path: '/webhook', label: 'one-port local server, every function' },
  // As deployed: K_SERVICE set (so the instance warms up at start), and the full-size index the refresh
  // job publishes, read from Cloud Storage (the project's wire fake) where the other shapes generate a
  // small sample master. Firestore only: it is the production store.
  production: { args: [FF_MAIN, '--target=webhook', `--source=${ROOT}`], env: { FUNCTION_TARGET: 'webhook', K_SERVICE: 'webhook', SECRETS: 'env', SYMBOL_MASTER_BUCKET: 'bench-master' }, path: '/', label: 'as deployed: full-size index from Cloud Storage', stores: ['firestore'] },
  // The same packages and durable writes with no pipeline: what a cold start cannot go under here.
  floor: { args: [FF_MAIN, '--target=floor', `--source=${path.join(ROOT, 'scripts/bench-floor.cjs')}`], env: { FUNCTION_TARGET: 'floor' }, path: '/', label: 'floor: scripts/bench-floor.cjs under functions-framework' },
};

/** Milliseconds from spawning `shape` in a fresh process to its answer to one alert. */
async function firstAnswer(shape, env, key) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, shape.args, { env: { ...env, PORT: String(port), DATA_DIR: dataDir, ...shape.env }, stdio: 'ignore' });
  try {
    const body = JSON.stringify({ token: 'bench-secret-3c9e1f7a2b8d4e60', symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 24500, qty: 1, idempotency_key: key });
    for (;;) {
      if (performance.now() - t0 > 30_000) throw new Error('no answer within 30 s');
      try {
        const r = await fetch(`http://127.0.0.1:${port}${shape.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await r.text();
        if (r.status !== 200) throw new Error(`first alert answered ${r.status}: ${text}`);
        return performance.now() - t0;
      } catch (e) {
        if (!(e instanceof TypeError)) throw e; // TypeError: not listening yet
        await sleep(5);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Each shape started fresh 5 times, the shapes taking turns, so a load that drifts during the run
 * falls on all of them alike; each is also given as a ratio to the floor.
 */
async function coldStart(store) {
  const { startFakeFyers } = ds('test/fake-fyers/index.js');
  const { sampleInstruments, SPOT_LTP } = ds('test/helpers/fyers-app.js');
  const shapes = Object.entries(COLD_SHAPES).filter(([, shape]) => !shape.stores || shape.stores.includes(store));
  const fake = await startFakeFyers({ instruments: sampleInstruments(Date.now()), ltp: { ...SPOT_LTP } });
  const gcs = shapes.some(([, shape]) => shape.env.SYMBOL_MASTER_BUCKET) ? await publishedIndex() : undefined;
  const times = Object.fromEntries(shapes.map(([k]) => [k, []]));
  if (store === 'firestore') await warmEmulator();
  try {
    for (let run = 0; run < 5; run++) {
      for (const [shapeName, shape] of shapes) {
        const env = {
          ...process.env,
          BROKER: 'fyers', ALLOW_SAMPLE_MASTER: 'true', STORE: store, WEBHOOK_SECRET: 'bench-secret-3c9e1f7a2b8d4e60',
          FYERS_APP_ID: fake.state.appId, FYERS_API_URL: fake.apiUrl, FYERS_DATA_URL: fake.dataUrl, FYERS_ACCESS_TOKEN: fake.issueAccessToken(),
          ENFORCE_TRADING_WINDOW: 'false', LOG_LEVEL: 'ERROR', GOOGLE_CLOUD_PROJECT: `demo-bench-${process.pid}-${run}-${shapeName}`,
          ...(gcs ? { STORAGE_EMULATOR_HOST: `${gcs.url}/storage/v1` } : {}),
        };
        times[shapeName].push(await firstAnswer(shape, env, `cold-${run}`));
      }
    }
  } finally {
    await fake.close();
    await gcs?.close();
  }
  for (const [shapeName, shape] of shapes) {
    const t = times[shapeName];
    const ratio = shapeName === 'floor' ? '' : `; ${(median(t) / median(times.floor)).toFixed(2)}× the floor`;
    row('cold start', `process start → first alert answered (STORE=${store}), ${shape.label}`, `${ms(median(t))} (min ${ms(Math.min(...t))})`, `median of 5 fresh processes, fake Fyers with no added latency${ratio}${shapeName === 'function' ? '; target < 0.8 s on the emulator' : ''}`);
  }
}

/** The project's Cloud Storage fake holding a full-size index where the deployed webhook looks for it. */
async function publishedIndex() {
  const { startFakeGcs } = ds('test/fakes/fake-gcs.js');
  const { createGcsBlobStore } = ds('shared/blob/blob.gcs.js');
  const { Storage } = require('@google-cloud/storage');
  const gcs = await startFakeGcs({ buckets: ['bench-master'] });
  await createGcsBlobStore(new Storage({ apiEndpoint: gcs.url, projectId: 'demo-bench' }), 'bench-master').write('symbol-master/index.json', fullSizeIndex(Date.now()), {});
  return gcs;
}

/**
 * The Firestore emulator is a JVM: its first few hundred requests run slowly while it warms up (a cold
 * start measured against a fresh emulator took 1.25 s where a warm one gave 0.88 s). Firestore itself
 * does not warm up per client, so the cold-start runs meet a warm emulator, as later sections do.
 */
async function warmEmulator() {
  const { Firestore } = require('@google-cloud/firestore');
  const db = new Firestore({ projectId: `demo-bench-warm-${process.pid}` });
  for (let i = 0; i < 300; i++) {
    const batch = db.batch();
    batch.create(db.doc(`warm/${i}`), { i, at: Date.now() });
    batch.set(db.doc(`audit/${i}`), { i });
    await batch.commit();
    await db.doc(`claims/${i}`).create({ i });
    await db.doc(`warm/${i}`).get();
  }
  await db.terminate();
}

function moduleLoad() {
  const load = (target) => {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const out = execFileSync(
        process.execPath,
        ['-e', "const t=process.hrtime.bigint();require('./dist/functions/index.js');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))"],
        { cwd: ROOT, env: { ...process.env, BROKER: 'paper', STORE: 'local', DATA_DIR: os.tmpdir(), ...(target ? { FUNCTION_TARGET: target } : {}) } },
      );
      times.push(Number(out.toString()));
    }
    return median(times);
  };
  const all = load(undefined);
  const webhook = load('webhook');
  row('cold start', 'require(dist/functions/index.js), every function (local server)', ms(all), 'median of 5 fresh processes; adapters load lazily on the first request');
  row('cold start', 'require(dist/functions/index.js), FUNCTION_TARGET=webhook', ms(webhook), 'a deployed function registers and loads only its own handler modules');
}

function symbols() {
  const { generateFullSymbolMaster } = ds('test/helpers/generate-full-symbol-master.js');
  const { jsonMasterFromCsv } = ds('test/helpers/generate-full-json-master.js');
  const now = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-master-'));
  const csv = generateFullSymbolMaster(100_000, now);
  writeFileSync(path.join(dir, 'NSE_FO.csv'), csv);
  writeFileSync(path.join(dir, 'NSE_FO_sym_master.json'), jsonMasterFromCsv(csv, { NIFTY: 1800, BANKNIFTY: 600, FINNIFTY: 1800, MIDCPNIFTY: 2800, NIFTYNXT50: 600, SBIN: 18750 }));
  try {
    for (const [kind, file] of [['csv', 'NSE_FO.csv'], ['json', 'NSE_FO_sym_master.json']]) {
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--symbols', kind, path.join(dir, file), String(now)], { cwd: ROOT, maxBuffer: 1 << 20 });
      const s = JSON.parse(out.toString());
      const what = kind === 'json' ? 'JSON master' : 'CSV';
      row('symbol master', `parse + index ${s.rows.toLocaleString('en')} entries (${mb(s.bytes)} ${what})`, ms(s.parseMs), `${s.instruments.toLocaleString('en')} instruments kept${kind === 'json' ? `, ${s.withFreeze.toLocaleString('en')} with qtyFreeze` : ''}; target < 500 ms`);
      row('symbol master', `${what}: RSS growth / heap retained`, `${mb(Math.max(s.peakRssDelta, s.rssDelta))} / ${mb(s.heapRetained)}`, 'growth = the larger of the maxRSS delta and the RSS delta across parse+index (text already read); target < 100 MB');
      if (kind === 'csv') row('symbol master', 'resolve (NIFTY, nearest expiry, strike)', `${s.lookupUs.toFixed(2)} µs`, `mean over ${s.N.toLocaleString('en')} lookups (${s.found} found)`);
    }
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--freeze', path.join(dir, 'NSE_FO_sym_master.json')], { cwd: ROOT, maxBuffer: 1 << 20 });
      runs.push(JSON.parse(out.toString()));
    }
    const f = runs.sort((a, b) => a.ms - b.ms)[1];
    row('symbol master', `JSON master freeze scan, ${f.entries.toLocaleString('en')} entries streamed in 256 KB chunks`, ms(f.ms), `median of 3 processes; ${f.withFreeze.toLocaleString('en')} with qtyFreeze; target < 300 ms (used by the master refresh job instead of a full JSON parse)`);
    row('symbol master', 'JSON master freeze scan: peak RSS growth / process RSS', `${mb(f.peak)} / ${mb(f.rssTotal)}`, 'growth across the scan, file not preloaded; target < 60 MB');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A stored index as the refresh job publishes it, full size: the sample contracts the fake knows,
 * then ~100k generated ones on other underlyings.
 */
function fullSizeIndex(now) {
  const { generateFullSymbolMaster } = ds('test/helpers/generate-full-symbol-master.js');
  const { parseSymbolMaster } = ds('shared/symbols/parse-symbol-master.js');
  const { sampleSymbolMaster } = ds('shared/symbols/sample-symbol-master.js');
  const { encodeSymbolIndex } = ds('shared/symbols/symbol-index.codec.js');
  const sample = Object.values(sampleSymbolMaster(now)).flatMap((csv) => parseSymbolMaster(csv).instruments);
  const own = new Set(sample.map((i) => i.underlying));
  const filler = parseSymbolMaster(generateFullSymbolMaster(100_000, now)).instruments.filter((i) => !own.has(i.underlying));
  return encodeSymbolIndex([...sample, ...filler], { builtAt: now, sources: ['bench'] });
}

/**
 * Alerts while a new symbol index is swapped in, against alerts without one, same app and pace. The
 * index is a full-size master (the sample contracts the fake knows, then ~100k generated ones) read
 * through the production blob loader, so each swap pays the real fetch and open. A swap is
 * started every ~600 ms by publishing a new generation and moving the app's clock past the 60 s probe
 * interval (the run without swaps moves the clock too, so both probe); the next alert starts the swap
 * in the background and is answered from the index in hand.
 */
async function masterSwap() {
  const { startFyersApp } = ds('test/helpers/fyers-app.js');
  const { indexBlobLoader } = ds('shared/symbols/symbol-loaders.js');
  const now = Date.now();
  const data = fullSizeIndex(now);
  let generation = 1;
  const meta = () => ({ generation: String(generation), updated: now, size: data.length });
  const blobs = { stat: async () => meta(), read: async () => ({ data, meta: meta() }), write: async () => undefined };
  const app = await startFyersApp({
    store: 'local', startAt: now,
    env: { BROKER_MAX_PER_SECOND: '10', BROKER_MAX_PER_MINUTE: '200', IDEMPOTENCY_LEASE_SECONDS: '60' },
    fake: { rateLimit: false },
    overrides: { symbolLoader: indexBlobLoader(blobs, 'bench-index') },
  });
  const N = Number(process.env.BENCH_SWAP_ALERTS ?? 200);
  // Under the pacer's 10 calls/s, so the queue there is not what is measured.
  const GAP = 150;
  const run = async (label, swapping) => {
    const lat = [];
    let swaps = 0;
    const started = [];
    let stop = false;
    // Both runs move the clock past the probe interval every 600 ms (which also renews the pacer's
    // minute): the version probe runs in both, and only the swapping run finds a new generation. The
    // clock moves only between alerts: one in flight would find its deadline gone.
    let inFlight = 0;
    const swapper = (async () => {
      while (!stop) {
        await sleep(600);
        while (inFlight > 0) await sleep(1);
        if (swapping) {
          generation += 1;
          swaps += 1;
        }
        app.clock.advance(61_000);
      }
    })();
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      inFlight += 1;
      started.push(
        app.post(app.alert({ strikeprice: 24_000 + 50 * (i % 20), optionType: i % 2 ? 'CE' : 'PE', idempotency_key: `swap-${label}-${i}` })).then((r) => {
          inFlight -= 1;
          if (r.status !== 200) throw new Error(`alert answered ${r.status}: ${r.text}`);
          lat.push(performance.now() - t0);
        }),
      );
      await sleep(GAP);
    }
    await Promise.all(started);
    stop = true;
    await swapper;
    return { lat, swaps };
  };
  try {
    await app.post(app.alert({ idempotency_key: 'swap-warm' }));
    await run('warm', false);
    const without = await run('without', false);
    const during = await run('during', true);
    const index = await app.deps.adapters.symbols();
    const ratio = pct(during.lat, 99) / pct(without.lat, 99);
    row('symbol master', `alerts without a swap p50 / p99 (${index.instrumentCount.toLocaleString('en')} contracts)`, `${ms(median(without.lat))} / ${ms(pct(without.lat, 99))}`, `${N} named-strike MARKET alerts, one every ${GAP} ms; local store, fake Fyers without latency`);
    row('symbol master', 'alerts during master swaps p50 / p99', `${ms(median(during.lat))} / ${ms(pct(during.lat, 99))}`, `same pace, ${during.swaps} new index generations published meanwhile (each fetched and opened in the background); now at generation ${index.version}`);
    row('symbol master', 'alerts during a swap: p99 ratio (during / without)', `${ratio.toFixed(2)}x`, 'target ≤ 1.2x');
  } finally {
    await app.close();
  }
}

async function claims() {
  const N = 200;
  const input = (key) => ({ key, owner: 'bench:1', requestId: key, nowMs: Date.now(), leaseMs: 30_000, ttlMs: 86_400_000 });
  const measure = async (store) => {
    for (let i = 0; i < 5; i++) await store.claim(input(`warm-${process.pid}-${i}`));
    const t = [];
    for (let i = 0; i < N; i++) {
      const s = performance.now();
      const r = await store.claim(input(`bench-${process.pid}-${i}`));
      t.push(performance.now() - s);
      if (r.kind !== 'claimed') throw new Error(`claim returned ${r.kind}`);
    }
    return `${ms(median(t))} / ${ms(pct(t, 99))}`;
  };
  if (emulator) {
    const { Firestore } = require('@google-cloud/firestore');
    const { createFirestoreIdempotencyStore } = ds('shared/store/firestore/idempotency.firestore.js');
    const db = new Firestore({ projectId: `demo-bench-${process.pid}` });
    try {
      row('idempotency', 'claim p50 / p99, Firestore emulator', await measure(createFirestoreIdempotencyStore(db)), `${N} sequential first claims (create with a precondition), emulator at ${emulator}`);
    } finally {
      await db.terminate();
    }
  } else row('idempotency', 'claim p50 / p99, Firestore emulator', 'skipped', emulatorSkip);
  const { createLocalIdempotencyStore } = ds('shared/store/local/idempotency.local.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-idem-'));
  try {
    row('idempotency', 'claim p50 / p99, local store', await measure(createLocalIdempotencyStore(dir)), `${N} sequential claims, files in ${os.tmpdir()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Order lifecycle: a fill postback → both exit orders at the (fake) broker, through the orderUpdates
 * handler, the store and the Fyers order desk; and one reconcile moving 200 open records.
 */
async function lifecycle() {
  const http = require('node:http');
  const { startFakeFyers } = ds('test/fake-fyers/index.js');
  const { handleOrderUpdate } = ds('functions/order-updates/order-updates.handler.js');
  const { recordAccepted } = ds('shared/orders/lifecycle/order-tracker.js');
  const { reconcileOrders } = ds('shared/orders/lifecycle/reconcile-orders.js');
  const { createFyersApi } = ds('shared/broker/fyers/fyers.api.js');
  const { createOrderExecutor } = ds('shared/orders/execute/execute-plan.js');
  const { lifecycleRecorder, lifecycleExits } = ds('shared/orders/lifecycle/lifecycle-recorder.js');
  const { fyersPostbackSignature, parseFyersPostback } = ds('shared/broker/fyers/fyers.postback.js');
  const { createLogger } = ds('shared/platform/logger.js');
  const { settledWithin } = ds('shared/platform/background-work.js');
  const { POSTBACK_FOLLOW_UP_MS } = ds('functions/wiring/wiring-context.js');
  // The bench is not type-checked: a constant that moved would read as undefined, and a window of
  // undefined ms answers at once, which is how this row once measured nothing for a while.
  if (!Number.isFinite(POSTBACK_FOLLOW_UP_MS)) throw new Error('POSTBACK_FOLLOW_UP_MS not found where the bench looks for it');
  const TICKER = 'NSE:NIFTY2672124400CE';
  const SECRET = 'bench-postback-secret';
  // The postback URL carries this token (functions/order-updates/postback-token.ts); without it every postback is ignored.
  const TOKEN = 'bench-postback-token';
  const logger = createLogger({ level: 'ERROR', sink: () => undefined });

  const run = async (label, store, close) => {
    // Counts what a fill costs the store: transactions (each one read and one commit), their extra
    // attempts (a transaction re-runs its decision after an ABORTED commit) and plain reads.
    const cost = { transactions: 0, attempts: 0, reads: 0, queries: 0 };
    const records = {
      ...store,
      get: (id) => ((cost.reads += 1), store.get(id)),
      mutate: (id, decide) => ((cost.transactions += 1), store.mutate(id, (cur) => ((cost.attempts += 1), decide(cur)))),
      create: (id, orderId, build) => ((cost.transactions += 1), store.create(id, orderId, (e) => ((cost.attempts += 1), build(e)))),
      unpublishedOf: (id) => ((cost.queries += 1), store.unpublishedOf(id)),
      listExitsActive: () => ((cost.queries += 1), store.listExitsActive()),
    };
    const answerMs = [];
    const fake = await startFakeFyers({ ltp: { [TICKER]: 150 }, instruments: [{ ticker: TICKER, lotSize: 65, tickSize: 0.05 }], planFor: () => ({}) });
    const token = fake.issueAccessToken();
    const deps = {
      clock: Date.now, logger, records, publisher: { publish: async () => undefined }, notifier: { notify: async () => undefined },
      broker: createFyersApi({ apiUrl: fake.apiUrl, dataUrl: fake.dataUrl, appId: fake.state.appId, accessToken: async () => token, logger, timeoutMs: 2000 }),
      instanceId: 'bench', settings: { managedExits: () => true, exitClaimMs: 10_000, stopLimitSlippagePct: 0.02, unfilledAlertMs: 3_600_000, outboxGraceMs: 0 },
    };
    deps.recorder = lifecycleRecorder(deps);
    deps.executor = createOrderExecutor({ broker: deps.broker, logger, recorder: deps.recorder, exits: lifecycleExits(deps) });
    // The answer waits for the follow-up within the window the deployed function has.
    const od = {
      ...deps,
      postbacks: { signature: fyersPostbackSignature, parse: parseFyersPostback },
      secrets: { get: async (name) => (name === 'fyers-postback-token' ? TOKEN : SECRET) },
      followUpWindow: (work) => settledWithin(work, POSTBACK_FOLLOW_UP_MS),
    };
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const t = performance.now();
        void handleOrderUpdate(od, { method: req.method, url: req.url, rawBody: Buffer.concat(chunks), headers: req.headers }).then((r) => {
          answerMs.push(performance.now() - t);
          res.writeHead(r.status).end();
        });
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const place = async (tag, type = 2, limitPrice = 0) => {
      const r = await fetch(`${fake.apiUrl}/orders/sync`, { method: 'POST', headers: { authorization: `${fake.state.appId}:${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ symbol: TICKER, qty: 65, type, side: 1, productType: 'INTRADAY', limitPrice, stopPrice: 0, validity: 'DAY', orderTag: tag }) });
      return (await r.json()).id;
    };
    try {
      const N = 15;
      const t = [];
      const perFill = [];
      let extraAttempts = 0;
      // Fill -1 warms the path up and is not counted: a fresh process's first fill (its first transaction
      // and broker read) took ~410 ms on the emulator and the next few 150-200 ms, a cold start's cost.
      for (let i = -1; i < N; i++) {
        if (i === 0) answerMs.length = 0;
        fake.lifecycle.setPostbacks({ url: `http://127.0.0.1:${server.address().port}/orderUpdates/${TOKEN}`, secret: SECRET });
        const id = await place(i < 0 ? 'benchwarm' : `bench${i}`);
        await recordAccepted(deps, { status: 'placed', orderId: id, requestId: `b${i}`, symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'MARKET', exits: { slPoints: 5, tpPoints: 10, tickSize: 0.05 } }, { publishNow: false });
        await fake.lifecycle.settled();
        await sleep(20);
        const before = fake.state.orders.length;
        Object.assign(cost, { transactions: 0, attempts: 0, reads: 0, queries: 0 });
        const s = performance.now();
        fake.lifecycle.fillNow(id, 65, 150);
        while (fake.state.orders.length < before + 2) {
          // A bench that waits forever says nothing: no exits in 30 s means the postback path is broken.
          if (performance.now() - s > 30_000) throw new Error(`fill ${i}: no exit orders 30 s after the fill postback (${answerMs.length} postbacks answered)`);
          await sleep(1);
        }
        if (i >= 0) {
          t.push(performance.now() - s);
          // Round trips on the way to the exits: each transaction reads and commits (2), each read or query 1.
          perFill.push(2 * cost.transactions + cost.reads + cost.queries);
          // (A create that finds its record already there decides nothing, hence the floor at 0.)
          extraAttempts += Math.max(0, cost.attempts - cost.transactions);
        }
        await fake.lifecycle.settled();
        await sleep(50);
      }
      row('lifecycle', `fill postback → both exit orders at the broker p50 / p99, ${label}`, `${ms(median(t))} / ${ms(pct(t, 99))}`, `${N} fills; postback, fill + exit claim + intents in one transaction, SL-L + LIMIT placed in parallel (fake Fyers, no latency); target p50 < 150 ms, p99 < 400 ms`);
      row('lifecycle', `store round trips per fill until both exits left, ${label}`, `${median(perFill)} (max ${Math.max(...perFill)})`, 'transactions count 2 (read + commit), reads and queries 1; target ≤ 4');
      row('lifecycle', `aborted transaction attempts in ${N} fills, ${label}`, String(extraAttempts), 'decisions re-run after an ABORTED commit; target 0');
      row('lifecycle', `orderUpdates answer p50 / p99, ${label}`, `${ms(median(answerMs))} / ${ms(pct(answerMs, 99))}`, `${answerMs.length} postbacks (entries and exits); answered once the follow-up (orderbook read, commit, exits) has ended, or after ${POSTBACK_FOLLOW_UP_MS} ms; target p99 < 300 ms`);

      fake.lifecycle.setPostbacks(undefined);
      const ids = [];
      for (let i = 0; i < 200; i++) ids.push(await place(`rec${i}`, 1, 100));
      await Promise.all(ids.map((id, i) => recordAccepted({ ...deps, settings: { ...deps.settings, managedExits: () => false } }, { status: 'placed', orderId: id, requestId: `r${i}`, symbol: TICKER, side: 'BUY', qty: 65, productType: 'INTRADAY', orderType: 'LIMIT' }, { publishNow: false })));
      for (const id of ids) fake.lifecycle.fillNow(id, 65, 100);
      const s = performance.now();
      const report = await reconcileOrders({ ...deps, settings: { ...deps.settings, managedExits: () => false } });
      row('lifecycle', `reconcile of 200 open orders (all filled at the broker), ${label}`, ms(performance.now() - s), `one orderbook + one tradebook read; ${report.changed} records moved`);
    } finally {
      server.close();
      await fake.close();
      await close();
    }
  };

  if (emulator) {
    const { Firestore } = require('@google-cloud/firestore');
    const { createFirestoreOrderRecordStore } = ds('shared/store/firestore/order-records.firestore.js');
    const db = new Firestore({ projectId: `demo-bench-life-${process.pid}` });
    await run('Firestore emulator', createFirestoreOrderRecordStore(db), () => db.terminate());
  } else row('lifecycle', 'postback → exits and reconcile, Firestore emulator', 'skipped', emulatorSkip);
  const { createLocalOrderRecordStore } = ds('shared/store/local/order-records.local.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-life-'));
  await run('local store', createLocalOrderRecordStore(dir), async () => rmSync(dir, { recursive: true, force: true }));
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return `${cpu} × ${os.availableParallelism()} CPUs, ${mb(os.totalmem())} RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

// BENCH_ONLY=lifecycle (or another section name) runs one section, for quick iteration.
const only = process.env.BENCH_ONLY;
const want = (name) => !only || only === name;
if (want('overhead')) {
  await overhead('local');
  if (emulator) await overhead('firestore');
  else row('webhook', 'overhead on the Firestore emulator', 'skipped', emulatorSkip);
}
if (want('burst')) await burst();
if (want('roundTrips')) {
  await roundTrips('local');
  if (emulator) {
    await roundTrips('firestore');
    await killSwitch();
  } else {
    row('round trips', 'on the Firestore emulator', 'skipped', emulatorSkip);
    row('kill switch', 'propagation across two processes', 'skipped', emulatorSkip);
  }
}
if (want('coldStart')) {
  await coldStart('local');
  if (emulator) await coldStart('firestore');
  else row('cold start', 'process start → first alert answered (STORE=firestore)', 'skipped', emulatorSkip);
}
if (want('moduleLoad')) moduleLoad();
if (want('symbols')) symbols();
if (want('symbols') || only === 'masterSwap') await masterSwap();
if (want('claims')) await claims();
if (want('lifecycle')) await lifecycle();
if (want('memory')) {
  if (emulator) await memory(process.env.BENCH_MEMORY_CHILD ?? 'firestore');
  else row('memory', 'RSS under load on the Firestore emulator', 'skipped', emulatorSkip);
}

const [l1, l5] = os.loadavg();
console.log(`\nmachine: ${machine()}\nload average: ${loadAtStart[0].toFixed(2)} at the start, ${l1.toFixed(2)} at the end (1 min; 5 min ${l5.toFixed(2)})\n`);
console.table(rows);
