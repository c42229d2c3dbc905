// The floor under the webhook, for `npm run bench`: a Functions Framework function that makes the
// webhook's durable writes around the webhook's one Fyers call, and nothing else. First the claim; then
// the call; then one commit of the outcome, the order record, its first event, the early-report guard
// and the audit entry (on the local store, three files side by side, as the local store writes them).
// No validation, symbols, risk, pacing, retries or logging. The bench times the webhook against it in
// the same run and the same process (overhead), and as a fresh process (cold start), so a ratio shows
// what the pipeline adds over the packages and the store it has to use.
//
// Configured by the webhook's own variables (STORE, GOOGLE_CLOUD_PROJECT, DATA_DIR, FYERS_API_URL,
// FYERS_APP_ID, FYERS_ACCESS_TOKEN): `functions-framework --target=floor --source=scripts/bench-floor.cjs`
// serves it as a deployed function would be; the bench's own process registers `floorHandler(env)`.
const functions = require('@google-cloud/functions-framework');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs/promises');
const path = require('node:path');

// Field counts near the webhook's own documents, so the store's work per write is comparable.
const fields = (n, seed) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i % 3 === 0 ? i : `${seed}-${i}`]));

function firestoreWrites(projectId) {
  const { Firestore } = require('@google-cloud/firestore');
  const db = new Firestore({ projectId, ignoreUndefinedProperties: true });
  const doc = (collection, key) => db.collection(`floor-${collection}`).doc(key);
  return {
    claim: (key) => doc('claims', key).create({ state: 'pending', ...fields(6, key) }),
    commit: async (key, placed) => {
      const batch = db.batch();
      batch.update(doc('claims', key), { state: 'done', result: placed });
      batch.create(doc('orders', key), fields(24, key));
      batch.create(doc('outbox', key), { event: fields(12, key), published: false });
      batch.delete(doc('orphans', key), { exists: false });
      batch.set(doc('audit', key), fields(14, key));
      await batch.commit();
    },
  };
}

function localWrites(dir) {
  // The durable file write: a temp file flushed to disk, renamed over the target, the folder synced.
  const write = async (file, value) => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(value), { flush: true });
    await fs.rename(tmp, file);
    const folder = await fs.open(path.dirname(file), 'r');
    await folder.sync().finally(() => folder.close());
  };
  const file = (folder, key) => path.join(dir, 'floor', folder, `${key}.json`);
  return {
    claim: (key) => write(file('claims', key), { state: 'pending', ...fields(6, key) }),
    commit: (key, placed) =>
      Promise.all([
        write(file('claims', key), { state: 'done', result: placed }),
        write(file('orders', key), { record: fields(24, key), events: [fields(12, key)] }),
        fs.appendFile(path.join(dir, 'floor', 'audit.jsonl'), `${JSON.stringify(fields(14, key))}\n`),
      ]),
  };
}

/** The floor as an HTTP handler, configured by `env`. */
function floorHandler(env) {
  const store = env.STORE === 'firestore' ? firestoreWrites(env.GOOGLE_CLOUD_PROJECT) : localWrites(env.DATA_DIR);
  const auth = `${env.FYERS_APP_ID}:${env.FYERS_ACCESS_TOKEN}`;
  return async (req, res) => {
    const key = String(req.body.idempotency_key).replace(/[^A-Za-z0-9-]/g, '');
    await store.claim(key);
    const placed = await fetch(`${env.FYERS_API_URL}/orders/sync`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: req.body.ticker, qty: 65, type: 2, side: 1, productType: 'INTRADAY', limitPrice: 0, stopPrice: 0, validity: 'DAY', disclosedQty: 0, offlineOrder: false, stopLoss: 0, takeProfit: 0, orderTag: 'floor' }),
    }).then((r) => r.json());
    await store.commit(key, placed);
    res.json(placed);
  };
}

if (process.env.FUNCTION_TARGET === 'floor') functions.http('floor', floorHandler(process.env));

module.exports = { floorHandler };
