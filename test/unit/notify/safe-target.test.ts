import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnsafeTargetError } from '../../../shared/errors';
import { silentLogger } from '../../../shared/platform/logger';
import { createNotificationForwarder } from '../../../shared/notify/forward-notification';
import type { Notification } from '../../../shared/notify/notifier.port';
import { forbiddenAddressReason, resolveSafeTarget, type ResolveHost } from '../../../shared/notify/safe-target';

const fixed = (...addresses: string[]): ResolveHost => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const noDns: ResolveHost = async (h) => {
  throw new Error(`unexpected DNS lookup of ${h}`);
};

describe('forbiddenAddressReason', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.254', 'shared'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fc12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'ipv4-embedding'],
    ['2002:a9fe:a9fe::1', 'ipv4-embedding'],
    // Issue 10 item 10: IPv4-mapped, local-use NAT64, Teredo and the 6to4 relay anycast.
    ['::ffff:8.8.8.8', 'ipv4-embedding'],
    ['::ffff:808:808', 'ipv4-embedding'],
    ['64:ff9b:1::a9fe:a9fe', 'ipv4-embedding'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'ipv4-embedding'],
    ['192.88.99.1', 'reserved'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '192.169.0.1', '149.154.167.220', '2606:4700:4700::1111', '2001:4860:4860::8888'])(
    'accepts public %s',
    (address) => {
      expect(forbiddenAddressReason(address)).toBeUndefined();
    },
  );

  it('accepts loopback only when allowLoopbackForTests is set, and nothing else because of it', () => {
    expect(forbiddenAddressReason('127.0.0.1', { allowLoopbackForTests: true })).toBeUndefined();
    expect(forbiddenAddressReason('::1', { allowLoopbackForTests: true })).toBeUndefined();
    expect(forbiddenAddressReason('10.0.0.1', { allowLoopbackForTests: true })).toBe('private');
    expect(forbiddenAddressReason('169.254.169.254', { allowLoopbackForTests: true })).toBe('link-local');
  });
});

describe('resolveSafeTarget', () => {
  it('resolves a public host and pins its address', async () => {
    const t = await resolveSafeTarget('https://hooks.example.com/x?y=1', { resolve: fixed('93.184.216.34') });
    expect(t).toEqual(expect.objectContaining({ address: '93.184.216.34', family: 4 }));
    expect(t.url.hostname).toBe('hooks.example.com');
  });

  it.each([
    ['http://hooks.example.com/', /https/],
    ['ftp://hooks.example.com/', /https/],
    ['https://user:pw@hooks.example.com/', /credentials/],
    ['not a url', /valid URL/],
  ])('refuses %s', async (url, message) => {
    await expect(resolveSafeTarget(url, { resolve: fixed('93.184.216.34') })).rejects.toThrow(message);
  });

  it.each([
    'https://169.254.169.254/computeMetadata/v1/',
    'https://[::1]/',
    'https://[fe80::1]/',
    'https://10.0.0.7/',
    'https://0x7f000001/', // the URL parser normalises odd IPv4 spellings to 127.0.0.1 first
    'https://2130706433/',
    'https://[::ffff:a9fe:a9fe]/',
  ])('refuses the IP literal in %s without asking DNS', async (url) => {
    await expect(resolveSafeTarget(url, { resolve: noDns })).rejects.toBeInstanceOf(UnsafeTargetError);
  });

  it('refuses names that resolve to the metadata server or a private address', async () => {
    await expect(resolveSafeTarget('https://metadata.google.internal/', { resolve: fixed('169.254.169.254') })).rejects.toMatchObject({
      details: { host: 'metadata.google.internal', address: '169.254.169.254', reason: 'link-local' },
    });
    await expect(resolveSafeTarget('https://intranet.example.com/', { resolve: fixed('192.168.0.10') })).rejects.toThrow(/non-public/);
  });

  it('refuses when any one of several answers is internal', async () => {
    await expect(resolveSafeTarget('https://mixed.example.com/', { resolve: fixed('93.184.216.34', '10.0.0.1') })).rejects.toThrow(/non-public/);
  });

  it('refuses a name that does not resolve, and never puts the URL path or query in the error', async () => {
    const err = (await resolveSafeTarget('https://gone.example.com/bot123:SECRET/sendMessage', { resolve: fixed() }).catch((e: unknown) => e)) as UnsafeTargetError;
    expect(err).toBeInstanceOf(UnsafeTargetError);
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain('SECRET');
  });

  it('refuses http to loopback unless allowLoopbackForTests is set', async () => {
    await expect(resolveSafeTarget('http://127.0.0.1:9/', { resolve: noDns })).rejects.toThrow(/https/);
    await expect(resolveSafeTarget('https://127.0.0.1:9/', { resolve: noDns })).rejects.toThrow(/non-public/);
    await expect(resolveSafeTarget('http://127.0.0.1:9/', { resolve: noDns, allowLoopbackForTests: true })).resolves.toMatchObject({ address: '127.0.0.1' });
  });
});

describe('forwarding through the guard to a real socket', () => {
  const sample: Notification = { kind: 'order.rejected', severity: 'critical', summary: 'NIFTY BUY 2 lots rejected: margin', requestId: 'req-1', at: Date.UTC(2026, 0, 5, 4, 0) };
  let server: http.Server;
  let port: number;
  let delayMs = 0;
  const bodies: string[] = [];
  let answered = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        const t = setTimeout(() => {
          answered += 1;
          res.writeHead(200).end('ok');
        }, delayMs);
        res.on('close', () => clearTimeout(t));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    delayMs = 0;
  });

  it('defeats DNS rebinding: the connection uses the one address that was checked', async () => {
    // First answer is the (test-allowed) loopback server; any later lookup would rebind to the metadata server.
    let lookups = 0;
    const rebinding: ResolveHost = async () => (lookups++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '169.254.169.254', family: 4 }]);
    const forward = createNotificationForwarder({
      url: `http://rebind.attacker.test:${port}/hook`,
      resolve: rebinding,
      logger: silentLogger,
      allowLoopbackForTests: true,
      timeoutMs: 2_000,
    });
    const before = bodies.length;
    // `.test` never resolves in real DNS, so success proves the HTTP stack used the pinned address.
    await expect(forward(sample)).resolves.toEqual({ ok: true, status: 200 });
    expect(lookups).toBe(1);
    expect(bodies.length).toBe(before + 1);

    // The next send checks again, sees the rebound answer, and refuses before connecting.
    await expect(forward(sample)).resolves.toMatchObject({ ok: false, reason: 'refused', retryable: false });
    expect(bodies.length).toBe(before + 1);
  });

  it('gives up after timeoutMs on a slow receiver and says the failure is retryable', async () => {
    delayMs = 1_500;
    const forward = createNotificationForwarder({ url: `http://127.0.0.1:${port}/slow`, resolve: noDns, logger: silentLogger, allowLoopbackForTests: true, timeoutMs: 200 });
    const answeredBefore = answered;
    await expect(forward(sample)).resolves.toEqual({ ok: false, reason: 'timeout', retryable: true });
    // The receiver answers only after 1.5 s: it has not, so the forwarder gave up at its own timeout.
    expect(answered).toBe(answeredBefore);
  });

  it('refuses the same loopback server without the test-only switch', async () => {
    const before = bodies.length;
    const forward = createNotificationForwarder({ url: `https://127.0.0.1:${port}/`, resolve: noDns, logger: silentLogger });
    await expect(forward(sample)).resolves.toMatchObject({ ok: false, reason: 'refused' });
    expect(bodies.length).toBe(before);
  });
});
