#!/usr/bin/env node
// Load test of the webhook as `npm start` serves it: the local server (all functions behind one port)
// against the fake Fyers server at a fixed latency, on loopback only. A mix of new valid alerts,
// TradingView-style resends, invalid alerts and bad tokens at rising concurrency, each level for a
// bounded time. STORE=firestore on the emulator when FIRESTORE_EMULATOR_HOST is set, else the local store.
//
//   npm run load                         (local store)
//   node scripts/with-emulators.mjs npm run load
//   LOAD_SECONDS=10 LOAD_LEVELS=1,5,20,50 FAKE_LATENCY_MS=30 npm run load
//
// The fake Fyers server is TypeScript, so `npm run load` first compiles the product and the test doubles
// with tsconfig.scripts.json into dist-scripts/ (same code as dist/, plus test/fake-fyers and helpers).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startFyersApp } = require(path.join(ROOT, 'dist-scripts/test/helpers/fyers-app.js'));

const SECONDS = Number(process.env.LOAD_SECONDS ?? 5);
const LEVELS = (process.env.LOAD_LEVELS ?? '1,5,20,50').split(',').map(Number);
const LATENCY = Number(process.env.FAKE_LATENCY_MS ?? 30);
// Fyers allows 10 requests/s; each new alert costs two (quote, order) and the bridge paces itself at 8/s,
// so new alerts are offered at a rate the broker can take. Everything else never reaches the broker.
const NEW_ALERTS_PER_SECOND = Number(process.env.NEW_ALERTS_PER_SECOND ?? 3);

const store = process.env.FIRESTORE_EMULATOR_HOST ? 'firestore' : 'local';
const app = await startFyersApp({ store });
app.fake.inject('*', { kind: 'latency', ms: LATENCY });

let seq = 0;
let ipSeq = 0;
const placedBodies = [];
/** The next request of the mix, and what a correct answer to it is. */
function nextRequest(tokens) {
  const r = Math.random();
  if (tokens.available() && r < 0.5) {
    const body = app.alert({ idempotency_key: `load-${process.pid}-${++seq}` });
    return { kind: 'new', body, expect: (s, b) => s === 200 && (b.status === 'accepted' || b.status === 'filled'), onOk: () => placedBodies.push(body) };
  }
  if (placedBodies.length > 0 && r < 0.6) {
    const body = placedBodies[Math.floor(Math.random() * placedBodies.length)];
    return { kind: 'resend', body, expect: (s, b) => s === 200 && b.status === 'duplicate' };
  }
  if (r < 0.8) return { kind: 'invalid', body: app.alert({ qty: -1, stoploss: 5 }), expect: (s) => s === 400 };
  return { kind: 'badToken', body: app.alert({ token: 'not-the-secret' }), expect: (s) => s === 401 };
}

function rateGate(perSecond) {
  let last = 0;
  return {
    available() {
      const now = performance.now();
      if (now - last < 1000 / perSecond) return false;
      last = now;
      return true;
    },
  };
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

async function runLevel(concurrency) {
  const latencies = [];
  let errors = 0;
  let unexpected = 0;
  let newSent = 0;
  const ordersBefore = app.fake.state.orders.length;
  const gate = rateGate(NEW_ALERTS_PER_SECOND);
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      const req = nextRequest(gate);
      if (req.kind === 'new') newSent++;
      const t = performance.now();
      try {
        // A different source per request: the bad-token penalty box is per source and would otherwise block the run.
        const ip = `10.9.${(++ipSeq >> 8) & 255}.${ipSeq & 255}`;
        const res = await app.post(req.body, { headers: { 'x-forwarded-for': ip } });
        latencies.push(performance.now() - t);
        if (res.status >= 500) errors++;
        if (!req.expect(res.status, res.body)) unexpected++;
        else req.onOk?.();
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    requests: latencies.length,
    'req/s': (latencies.length / seconds).toFixed(1),
    'p50 ms': pct(latencies, 50).toFixed(1),
    'p99 ms': pct(latencies, 99).toFixed(1),
    errors,
    unexpected,
    'orders placed / expected': `${app.fake.state.orders.length - ordersBefore} / ${newSent}`,
  };
}

const rows = [];
try {
  await app.post(app.alert({ idempotency_key: 'warm-up' }));
  for (const c of LEVELS) rows.push(await runLevel(c));
} finally {
  await app.close();
}

const tags = app.fake.state.orders.map((o) => o.orderTag);
console.log(`\nwebhook load: store=${store}, fake Fyers latency ${LATENCY} ms per call, ${SECONDS} s per level, new alerts offered at ${NEW_ALERTS_PER_SECOND}/s`);
console.log('mix: new valid alerts (rate-limited as above), resends of placed alerts, invalid alerts, bad tokens; loopback only\n');
console.table(rows);
const dupTags = tags.length - new Set(tags).size;
console.log(`orders at the fake: ${tags.length} (${dupTags} with a repeated tag); 429s from the fake: ${app.fake.state.requests.filter((r) => r.status === 429).length}`);
const bad = rows.some((r) => r.errors > 0 || r.unexpected > 0) || dupTags > 0;
process.exitCode = bad ? 1 : 0;
