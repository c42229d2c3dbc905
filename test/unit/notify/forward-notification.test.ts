import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../shared/platform/logger';
import { createNotificationForwarder, formatNotificationText } from '../../../shared/notify/forward-notification';
import type { Notification } from '../../../shared/notify/notifier.port';

const n: Notification = {
  kind: 'session.expired',
  severity: 'warning',
  summary: 'Fyers session expired; log in again before 09:15',
  requestId: 'r-42',
  at: Date.UTC(2026, 0, 5, 3, 30), // 09:00 IST
};

describe('formatNotificationText', () => {
  it('reads as one line with severity, kind, summary, IST time and request id', () => {
    expect(formatNotificationText(n)).toBe('[WARNING] session.expired: Fyers session expired; log in again before 09:15 (2026-01-05 09:00 IST, req r-42)');
  });

  it('stays under the Discord content limit', () => {
    const long = formatNotificationText({ ...n, summary: 'x'.repeat(5_000) });
    expect(long.length).toBeLessThanOrEqual(1_900);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('createNotificationForwarder', () => {
  let server: http.Server;
  let base: string;
  let status = 200;
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(status).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const make = (url: string, lines: string[] = []) =>
    createNotificationForwarder({
      url,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      logger: createLogger({ sink: (l) => lines.push(l) }),
      allowLoopbackForTests: true,
    });

  it('POSTs JSON with the same text as `text` (Slack, Telegram) and `content` (Discord) to the exact URL', async () => {
    status = 200;
    await expect(make(`${base}/bot123:abc/sendMessage?chat_id=-100200`)(n)).resolves.toEqual({ ok: true, status: 200 });
    const req = seen.at(-1)!;
    expect(req.url).toBe('/bot123:abc/sendMessage?chat_id=-100200');
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body) as { text: string; content: string };
    expect(body).toEqual({ text: formatNotificationText(n), content: formatNotificationText(n) });
  });

  it.each([
    [429, true],
    [503, true],
    [400, false],
    [404, false],
  ])('maps HTTP %i to a failure with retryable=%s', async (code, retryable) => {
    status = code;
    await expect(make(`${base}/hook`)(n)).resolves.toEqual({ ok: false, reason: 'http_status', status: code, retryable });
  });

  it('reports a connection failure as a retryable network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(make(`http://127.0.0.1:${port}/`)(n)).resolves.toEqual({ ok: false, reason: 'network', retryable: true });
  });

  it('never logs the webhook URL path, which carries the bot token', async () => {
    status = 500;
    const lines: string[] = [];
    await make(`${base}/botTOKEN-in-path-987/sendMessage`, lines)(n);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('TOKEN-in-path-987');
    expect(lines.join('\n')).toContain('127.0.0.1'); // the host alone is fine and useful
  });
});
