import http from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { startFrameworkProcess, startLocalServerProcess, type ServerProcess } from '../helpers/server-process';

/**
 * Issue 10 item 1: a compressed or unbounded body must be refused before anything buffers or inflates
 * it, as Cloud Run serves a function (the framework's own server) and as `npm start` serves them all.
 * The proof is the server process's own peak resident memory (VmHWM), read from /proc.
 */
jest.setTimeout(120_000);

interface Answer {
  status?: number;
  body?: string;
  error?: string;
}

const ALERT = JSON.stringify({ token: 'paper-demo-secret', symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 'ATM', qty: 1 });

/** A raw request; a body given as a number is streamed chunked (no Content-Length) in 256 KB pieces. */
function send(url: string, headers: Record<string, string>, body: Buffer | number): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers, agent: false });
    let settled = false;
    const done = (a: Answer) => {
      if (!settled) (settled = true), resolve(a);
    };
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => done({ status: res.statusCode, body: text }));
      res.on('error', () => done({ status: res.statusCode, body: text }));
    });
    req.on('error', (e) => done({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    const piece = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < body && !req.destroyed && !settled) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

// ~58 KB on the wire each (under the size limit), 60 MB once inflated.
const bomb = Buffer.alloc(60 * 1024 * 1024);
const gzipBomb = gzipSync(bomb, { level: 9 });
const deflateBomb = deflateSync(bomb, { level: 9 });

async function attack(url: string): Promise<Answer[]> {
  return Promise.all([
    send(url, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': String(gzipBomb.length) }, gzipBomb),
    send(url, { 'content-type': 'application/octet-stream', 'content-encoding': 'deflate', 'content-length': String(deflateBomb.length) }, deflateBomb),
    send(url, { 'content-type': 'text/plain', 'content-encoding': 'GZip' }, gzipBomb),
    send(url, { 'content-type': 'text/plain' }, 40 * 1024 * 1024),
  ]);
}

function expectRefused(answers: Answer[]): void {
  for (const a of answers.slice(0, 3)) {
    expect(a.status).toBe(415);
    expect(JSON.parse(a.body ?? '{}').error.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
  }
  // Past 64 KB the server answers 413 and closes: the client sees the 413, or a reset if it was still writing.
  const chunked = answers[3]!;
  if (chunked.status !== undefined) expect(chunked.status).toBe(413);
  else expect(chunked.error).toMatch(/ECONNRESET|EPIPE/);
}

describe.each([
  ['the framework server (Cloud Run)', () => startFrameworkProcess('webhook'), '/'],
  ['the one-port server (npm start)', () => startLocalServerProcess(), '/webhook'],
])('request bodies on %s', (_name, start, path) => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('refuses compressed and oversized bodies before buffering them: peak memory stays flat and alerts still work', async () => {
    server = await start();
    const url = server.base + path;
    // Warm: deps built, symbol master loaded, one order placed.
    const first = await send(url, { 'content-type': 'text/plain' }, Buffer.from(ALERT));
    expect(first.status).toBe(200);
    const before = server.memory();

    const answers = [await attack(url), await attack(url)];

    const after = server.memory();
    // Unguarded, these requests take the peak up by several hundred MB (60 MB inflated per bomb, 40 MB chunked).
    expect(after.peakMb - before.peakMb).toBeLessThan(64);
    for (const a of answers) expectRefused(a);
    const again = await send(url, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(ALERT)) }, Buffer.from(ALERT.replace('"qty":1', '"qty":2')));
    expect(again.status).toBe(200);
  });

  it('answers 413 to a declared length over 64 KB without reading it', async () => {
    server = await start();
    const big = Buffer.alloc(64 * 1024 + 1, 0x20);
    const a = await send(server.base + path, { 'content-type': 'text/plain', 'content-length': String(big.length) }, big);
    if (a.status !== undefined) {
      expect(a.status).toBe(413);
      expect(JSON.parse(a.body ?? '{}').error.code).toBe('PAYLOAD_TOO_LARGE');
    } else expect(a.error).toMatch(/ECONNRESET|EPIPE/);
  });
});

describe('every function, not only the webhook', () => {
  it('the framework server refuses a compressed body for the controls function too', async () => {
    const server = await startFrameworkProcess('controls');
    try {
      const a = await send(server.base + '/', { 'content-type': 'application/json', 'content-encoding': 'deflate' }, deflateSync(Buffer.from('{"tradingEnabled":false}')));
      expect(a.status).toBe(415);
    } finally {
      await server.stop();
    }
  });

  it('the one-port server refuses a compressed body on /controls, /notify and /authUrl', async () => {
    const server = await startLocalServerProcess();
    try {
      for (const p of ['/controls', '/notify', '/authUrl']) {
        const a = await send(server.base + p, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(Buffer.from('{}')));
        expect([p, a.status]).toEqual([p, 415]);
      }
    } finally {
      await server.stop();
    }
  });
});

/** Issue 19: Fyers blacklists a postback URL for 30 minutes after non-200 answers; orderUpdates never gives one. */
describe('orderUpdates answers 200 to every body, however bad', () => {
  const bad: [string, Record<string, string>, Buffer][] = [
    ['compressed', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(Buffer.from('{}'))],
    ['oversized', { 'content-type': 'application/json', 'content-length': String(64 * 1024 + 1) }, Buffer.alloc(64 * 1024 + 1, 0x20)],
    ['not JSON although it says so', { 'content-type': 'application/json' }, Buffer.from('{not json')],
    ['of no declared type', {}, Buffer.from('hello')],
  ];

  it('as Cloud Run serves it (the framework server, FUNCTION_TARGET=orderUpdates)', async () => {
    const server = await startFrameworkProcess('orderUpdates', { FUNCTION_TARGET: 'orderUpdates' });
    try {
      for (const [label, headers, body] of bad) {
        const a = await send(server.base + '/some-token', headers, body);
        expect([label, a.status, a.body]).toEqual([label, 200, JSON.stringify({ status: 'ignored' })]);
      }
    } finally {
      await server.stop();
    }
  });

  it('on the one-port server', async () => {
    const server = await startLocalServerProcess();
    try {
      for (const [label, headers, body] of bad) {
        const a = await send(server.base + '/orderUpdates/some-token', headers, body);
        expect([label, a.status, a.body]).toEqual([label, 200, JSON.stringify({ status: 'ignored' })]);
      }
    } finally {
      await server.stop();
    }
  });
});
