import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Storage } from '@google-cloud/storage';
import { handleRefreshSymbolMaster } from '../../functions/symbol-master/refresh-symbol-master.handler';
import type { BlobStore } from '../../shared/blob/blob.port';
import { createGcsBlobStore } from '../../shared/blob/blob.gcs';
import { istParts } from '../../shared/platform/ist';
import { sampleSymbolMaster } from '../../shared/symbols/sample-symbol-master';
import { handleReadyz } from '../../functions/readyz/readyz.handler';
import { startFakeGcs, type FakeGcs } from '../fakes/fake-gcs';
import { jsonMasterFromCsv } from '../helpers/generate-full-json-master';
import { niftyAlert, sendAlert, startBridge, storeLogin, type Bridge } from './helpers/bridge-kit';

/**
 * The daily symbol master refresh, with the real Cloud Storage client against the fake GCS and the CSVs
 * from a local HTTP server: only a complete, valid master replaces the index; anything else keeps the
 * previous generation in use and tells the operator. Then the webhook picks up a new generation by itself.
 */
const BUCKET = 'masters';
const OBJECT = 'symbol-master/index.json';

interface Served {
  status: number;
  body: string;
}

/** Serves /NSE_FO.csv and /BSE_FO.csv from a map the test changes between refreshes. */
async function startCsvServer(files: Record<string, Served>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const f = files[req.url ?? ''] ?? { status: 404, body: 'not found' };
    res.writeHead(f.status, { 'content-type': 'text/csv' });
    res.end(f.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    files,
    hits,
    urls: [`${base}/NSE_FO.csv`, `${base}/BSE_FO.csv`],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const lines = (csv: string) => csv.split('\n').filter(Boolean);
const cells = (line: string) => line.split(',');
const UNDERLYING = 13;
const EXPIRY = 8;

let gcs: FakeGcs;
let csv: Awaited<ReturnType<typeof startCsvServer>>;
let bridge: Bridge;
let master: { nseFo: string; bseFo: string };

const gcsBlobs = (): BlobStore => createGcsBlobStore(new Storage({ apiEndpoint: gcs.url, projectId: 'demo' }), BUCKET);
const serve = (nseFo: string, bseFo = master.bseFo) => {
  csv.files['/NSE_FO.csv'] = { status: 200, body: nseFo };
  csv.files['/BSE_FO.csv'] = { status: 200, body: bseFo };
};
const live = () => gcs.history(BUCKET, OBJECT).filter((v) => v.live);
const refresh = (deps = bridge.deps) => handleRefreshSymbolMaster(deps.symbolMaster);

beforeEach(async () => {
  gcs = await startFakeGcs({ buckets: [BUCKET] });
  csv = await startCsvServer({});
  bridge = await startBridge({ env: { SYMBOL_MASTER_URLS: csv.urls.join(','), SYMBOL_MASTER_JSON_URLS: 'none', SYMBOL_MASTER_BUCKET: BUCKET }, overrides: { blobs: gcsBlobs() } });
  master = sampleSymbolMaster(bridge.clock());
  serve(master.nseFo);
});

afterEach(async () => {
  await bridge.close();
  await csv.close();
  await gcs.close();
});

describe('refreshSymbolMaster', () => {
  it('writes a new generation for each good download', async () => {
    const first = await refresh();
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('refreshed');
    const expected = lines(master.nseFo).length + lines(master.bseFo).length;
    expect(first.body.instruments).toBe(expected);
    expect(live()).toEqual([expect.objectContaining({ generation: first.body.generation })]);
    const meta = await bridge.deps.adapters.blobs.stat(OBJECT);
    expect(meta?.metadata?.instruments).toBe(String(expected));

    const second = await refresh();
    expect(second.status).toBe(200);
    expect(BigInt(second.body.generation as string)).toBeGreaterThan(BigInt(first.body.generation as string));
    expect(gcs.history(BUCKET, OBJECT)).toHaveLength(2);
    expect(live()).toEqual([expect.objectContaining({ generation: second.body.generation })]);
    // The webhook's loader reads what was published.
    expect((await bridge.deps.adapters.symbols()).instrumentCount).toBe(expected);
    expect(bridge.notes.sent).toEqual([]);
  });

  it.each([
    [
      'a download cut off a quarter of the way through (mid-line)',
      (nse: string) => nse.slice(0, Math.floor(nse.length / 4)),
      /looks partial|BANKNIFTY has no option expiry/,
    ],
    [
      'a download missing an underlying',
      (nse: string) => lines(nse).filter((l) => cells(l)[UNDERLYING] !== 'BANKNIFTY').join('\n') + '\n',
      /BANKNIFTY has no option expiry still to come/,
    ],
  ])('refuses %s with 422, keeps the previous generation and notifies', async (_what, damage, problem) => {
    const good = await refresh();
    expect(good.status).toBe(200);
    serve(damage(master.nseFo));

    const r = await refresh();

    expect(r.status).toBe(422);
    expect(r.body.status).toBe('failed');
    expect((r.body.problems as string[]).join('\n')).toMatch(problem);
    expect(gcs.history(BUCKET, OBJECT)).toHaveLength(1);
    expect(live()).toEqual([expect.objectContaining({ generation: good.body.generation })]);
    const failed = bridge.notes.ofKind('symbol_master.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.severity).toBe('critical');
    expect(failed[0]!.summary).toContain('the previous version stays in use');
    // Alerts still resolve against the previous, complete index.
    expect((await bridge.deps.adapters.symbols()).version).toBe(good.body.generation);
  });

  it('refuses with 502 and writes nothing when the CSV server fails', async () => {
    csv.files['/BSE_FO.csv'] = { status: 500, body: 'upstream exploded' };

    const r = await refresh();

    expect(r.status).toBe(502);
    expect(r.body.problems).toEqual(['BSE_FO.csv: download failed']);
    expect(gcs.history(BUCKET, OBJECT)).toHaveLength(0);
    expect(gcs.requests.some((q) => q.startsWith('POST /upload'))).toBe(false);
    expect(bridge.notes.ofKind('symbol_master.failed')).toHaveLength(1);
  });

  it('answers 409 to the loser of two refreshes racing on the same generation', async () => {
    const base = await refresh();
    expect(base.status).toBe(200);
    // Both runs read the current generation before either writes: the generation precondition decides.
    const real = gcsBlobs();
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const racing: BlobStore = {
      ...real,
      stat: async (name) => {
        const meta = await real.stat(name);
        if (++arrived === 2) release();
        await bothRead;
        return meta;
      },
    };
    const a = await bridge.another({ blobs: racing });

    const replies = await Promise.all([refresh(a), refresh(a)]);

    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 409)!.body.status).toBe('conflict');
    const winner = replies.find((r) => r.status === 200)!;
    expect(gcs.history(BUCKET, OBJECT)).toHaveLength(2);
    expect(live()).toEqual([expect.objectContaining({ generation: winner.body.generation })]);
  });

  it('hot-reloads: a new generation reaches the webhook within a minute and a new expiry becomes tradable', async () => {
    await storeLogin(bridge);
    const niftyExpiries = [...new Set(lines(master.nseFo).filter((l) => cells(l)[UNDERLYING] === 'NIFTY').map((l) => cells(l)[EXPIRY]!))].sort();
    const newest = niftyExpiries.at(-1)!;
    const newestDate = istParts(Number(newest) * 1000).date;
    const withoutNewest = lines(master.nseFo).filter((l) => !(cells(l)[UNDERLYING] === 'NIFTY' && cells(l)[EXPIRY] === newest)).join('\n') + '\n';
    serve(withoutNewest);
    expect((await refresh()).status).toBe(200);

    const before = await sendAlert(bridge.deps, niftyAlert({ expiry: newestDate }));
    expect(before.status).toBe(422);
    expect(before.body.error).toMatchObject({ code: 'UNKNOWN_INSTRUMENT' });

    serve(master.nseFo);
    const published = await refresh();
    expect(published.status).toBe(200);

    // Inside the probe interval the instance keeps the index it has (no storage call per alert)...
    const stillOld = await sendAlert(bridge.deps, niftyAlert({ expiry: newestDate }));
    expect(stillOld.status).toBe(422);

    // ...and after it, the same instance picks the new generation up without a restart: the probe and the
    // decode run beside the alerts (none waits for them) and the new index is swapped in when ready.
    bridge.clock.advance(61_000);
    for (let i = 0; i < 200 && (await bridge.deps.adapters.symbols()).version !== published.body.generation; i++) await new Promise((r) => setTimeout(r, 10));
    const after = await sendAlert(bridge.deps, niftyAlert({ expiry: newestDate }));
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('accepted');
    expect((await bridge.deps.adapters.symbols()).version).toBe(published.body.generation);
    const order = bridge.fake.state.orders.at(-1)!;
    expect(order.symbol).toBe(after.body.symbol);
    expect(master.nseFo).toContain(`${newest},${order.symbol},`);
  });
});

describe('a master at start', () => {
  const withBridge = async (env: Record<string, string>, body: (b: Bridge) => Promise<void>) => {
    const b = await startBridge({ env: { SYMBOL_MASTER_URLS: csv.urls.join(','), SYMBOL_MASTER_BUCKET: BUCKET, ...env }, overrides: { blobs: gcsBlobs() } });
    try {
      await body(b);
    } finally {
      await b.close();
    }
  };

  it('an instance with nothing published builds the index from the sources, with JSON freeze quantities, publishes it, and trades', async () => {
    csv.files['/NSE_FO_sym_master.json'] = { status: 200, body: jsonMasterFromCsv(master.nseFo, { NIFTY: 1800, BANKNIFTY: 600 }) };
    csv.files['/BSE_FO_sym_master.json'] = { status: 200, body: jsonMasterFromCsv(master.bseFo, { SENSEX: 1000 }) };
    await withBridge({}, async (b) => {
      await storeLogin(b);
      expect(gcs.history(BUCKET, OBJECT)).toHaveLength(0);
      const index = await b.deps.adapters.symbols();
      expect(live()).toHaveLength(1);
      expect(index.version).toBe(live()[0]!.generation);
      const bankFut = lines(master.nseFo).map(cells).find((c) => c[UNDERLYING] === 'BANKNIFTY' && c[2] === '11')!;
      expect(index.byTicker(bankFut[9]!)?.freezeQty).toBe(600);
      expect(csv.hits).toEqual(expect.arrayContaining(['/NSE_FO.csv', '/BSE_FO.csv', '/NSE_FO_sym_master.json', '/BSE_FO_sym_master.json']));

      const ready = await handleReadyz(b.deps.readyz);
      const check = (ready.body as { checks: Record<string, Record<string, unknown>> }).checks.symbolMaster!;
      expect(check).toMatchObject({ ok: true, version: index.version, ageHours: 0, instruments: index.instrumentCount });
      expect(check.source).toMatch(/^built at start from http:\/\/127\.0\.0\.1:\d+\/NSE_FO\.csv, .*BSE_FO\.csv, published as symbol-master\/index\.json$/);

      const placed = await sendAlert(b.deps, niftyAlert());
      expect(placed.status).toBe(200);
      // Once published, the refresh job replaces it as usual.
      const r = await handleRefreshSymbolMaster(b.deps.symbolMaster);
      expect(r.status).toBe(200);
      expect(r.body.withFreezeQty).toBeGreaterThan(0);
      expect(gcs.history(BUCKET, OBJECT)).toHaveLength(2);
    });
  });

  it('a start-up build is validated the same way: a partial master is not published, and alerts get 503', async () => {
    serve(lines(master.nseFo).filter((l) => cells(l)[UNDERLYING] !== 'BANKNIFTY').join('\n') + '\n');
    await withBridge({ SYMBOL_MASTER_JSON_URLS: 'none' }, async (b) => {
      await expect(b.deps.adapters.symbols()).rejects.toThrow('The symbol master is not available');
      expect(gcs.history(BUCKET, OBJECT)).toHaveLength(0);
      await storeLogin(b);
      const r = await sendAlert(b.deps, niftyAlert());
      expect(r.status).toBe(503);
    });
  });

  it.each([
    ['not JSON at all', '<html>maintenance</html>', 'not a JSON object'],
    ['a string JSON cannot read (a bad escape in a ticker)', '{"NSE:NIFTY\\X":{"qtyFreeze":"1800"}}', 'a string that is not valid JSON (a bad escape)'],
  ])('a JSON master that cannot be read (%s) only costs the freeze quantities: the index is published with a warning', async (_what, body, problem) => {
    csv.files['/NSE_FO_sym_master.json'] = { status: 200, body };
    const r = await handleRefreshSymbolMaster({ ...bridge.deps.symbolMaster, jsonUrls: [csv.urls[0]!.replace('.csv', '_sym_master.json')] });
    expect(r.status).toBe(200);
    expect(r.body.withFreezeQty).toBe(0);
    expect((r.body.warnings as string[])[0]).toBe(`NSE_FO_sym_master.json: not a Fyers JSON symbol master: ${problem}; freeze quantities fall back to the table`);
    expect(bridge.notes.ofKind('symbol_master.warning')).toHaveLength(1);
  });
});
