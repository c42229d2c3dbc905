/**
 * The public webhook as deployed (the Functions Framework server Cloud Run runs) against arbitrary
 * requests: any bytes, any content type and encoding, sizes past the 64 KB limit, absurd nesting.
 * Whatever arrives: never a 5xx, never an order at Fyers, never a stack frame, file path or secret in the answer.
 */
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { request } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { startFyersApp, type FyersApp } from '../helpers/fyers-app';

let app: FyersApp;
let server: Server;
let port: number;
let secrets: string[];

const jestNodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  // Express (inside the framework) prints every body-parser error with console.error; thousands of them
  // here would bury the test output. What it prints is covered in the report, not asserted here.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  // As deployed, NODE_ENV may be unset (jest sets 'test'); the entry point must be safe either way.
  delete process.env.NODE_ENV;
  app = await startFyersApp({ store: 'local' });
  // getTestServer after startFyersApp: functions/index is loaded and the deps are installed by then.
  server = getTestServer('webhook');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  secrets = [app.secret, app.deps.config.localSecrets.fyersAccessToken!, app.fake.state.appSecret];
});
afterAll(async () => {
  await new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  await app.close();
  process.env.NODE_ENV = jestNodeEnv;
});

interface RawAnswer { status: number; text: string; headers: Record<string, unknown> }

/** node:http rather than fetch: fetch refuses some header values and rewrites bodies; an attacker's client does not. */
function send(body: Buffer, headers: Record<string, string>, ip: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...headers, 'content-length': String(body.length), 'x-forwarded-for': ip } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const STACK_FRAME = /\bat [^\n]*\(?[^\s()]+:\d+:\d+\)?|(?:\/[\w.-]+){2,}\.(?:js|ts)\b|node_modules|[A-Z]:\\/;

let n = 0;
/** A different source address per request, so the bad-token penalty box never masks the deeper paths. */
const nextIp = () => {
  n++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

async function expectHarmless(body: Buffer, headers: Record<string, string>): Promise<RawAnswer> {
  const before = app.fake.state.orders.length;
  const r = await send(body, headers, nextIp());
  if (r.status >= 500 || STACK_FRAME.test(r.text) || secrets.some((s) => r.text.includes(s))) {
    throw new Error(`harmful answer ${r.status} to ${JSON.stringify(headers)} ${body.length} bytes: ${r.text.slice(0, 400)}`);
  }
  expect(app.fake.state.orders.length).toBe(before);
  return r;
}

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json', 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz',
    'application/octet-stream', 'application/cloudevents+json', 'application/json; charset=utf-16', 'text/plain; charset=latin1',
    'application/json; charset=bogus', 'text/html', 'application/xml', '*/*', 'application/json;;;', 'a/b/c',
  ),
  fc.stringMatching(/^[\x21-\x7e]{0,40}$/),
);
const encoding = fc.constantFrom(undefined, 'identity', 'gzip', 'deflate', 'br', 'bogus', 'gzip, gzip');

const headersArb = fc.record({ ct: fc.option(contentType), ce: encoding, key: fc.option(fc.stringMatching(/^[\x20-\x7e]{0,200}$/)) }).map(({ ct, ce, key }) => {
  const h: Record<string, string> = {};
  if (ct !== null) h['content-type'] = ct;
  if (ce) h['content-encoding'] = ce;
  if (key !== null) h['idempotency-key'] = key;
  return h;
});

/** Bodies that look like alerts, with the wrong token or none, and hostile fields. */
const alertish = fc
  .record({
    token: fc.option(fc.oneof(fc.string(), fc.constant('wrong-token'))),
    fields: fc.dictionary(fc.constantFrom('symbol', 'action', 'optionType', 'strikeprice', 'qty', 'sl', 'tp', 'price', '__proto__', 'constructor', 'x'), fc.jsonValue({ maxDepth: 2 })),
  })
  .map(({ token, fields }) => Buffer.from(JSON.stringify({ symbol: 'NIFTY', action: 'BUY', optionType: 'CE', strikeprice: 'ATM', ...fields, ...(token === null ? {} : { token }) })));

describe('the webhook under arbitrary requests', () => {
  it('arbitrary bytes with arbitrary content types and encodings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), headersArb, async (bytes, headers) => {
        await expectHarmless(Buffer.from(bytes), headers);
      }),
      { numRuns: 400 },
    );
  });

  it('alert-shaped JSON with a wrong or missing token and hostile fields', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(alertish, headersArb, async (body, headers) => {
        statuses.add((await expectHarmless(body, headers)).status);
      }),
      { numRuns: 300 },
    );
    // The generator reaches both the validator (400) and the token check (401).
    expect([...statuses]).toEqual(expect.arrayContaining([400, 401]));
  });

  it('bodies around and past the 64 KB limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 60 * 1024, max: 300 * 1024 }), fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'), async (size, ct) => {
        const body = Buffer.from(JSON.stringify({ token: 'nope', comment: 'x'.repeat(size) }));
        const r = await expectHarmless(body, { 'content-type': ct });
        if (body.length > 64 * 1024) expect(r.status).toBe(413);
      }),
      { numRuns: 30 },
    );
  });

  it('absurd nesting', async () => {
    for (const depth of [1_000, 10_000, 30_000]) {
      for (const text of ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth), '['.repeat(depth)]) {
        for (const ct of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
          await expectHarmless(Buffer.from(text), { 'content-type': ct });
        }
      }
    }
    // urlencoded nesting via qs brackets
    await expectHarmless(Buffer.from('a' + '[a]'.repeat(5000) + '=1'), { 'content-type': 'application/x-www-form-urlencoded' });
  });

  it('the placing path still works afterwards (the properties above were not vacuous)', async () => {
    const r = await send(Buffer.from(JSON.stringify(app.alert())), { 'content-type': 'application/json' }, nextIp());
    expect(r.status).toBe(200);
    expect(app.fake.state.orders).toHaveLength(1);
  });
});
