import * as grpc from '@grpc/grpc-js';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { presentedSecretMatches } from '../../shared/alert/authenticate-alert';
import { DependencyUnavailableError } from '../../shared/errors';
import { manualClock } from '../../shared/platform/clock';
import { createLogger, type Logger } from '../../shared/platform/logger';
import { createSecretManagerSource } from '../../shared/secrets/secrets.secret-manager';
import { startFakeSecretManager, type FakeSecretManager } from '../fakes/fake-secret-manager';

// The real SecretManagerServiceClient (google-gax over gRPC) talks to the in-process fake server.
let fake: FakeSecretManager;
let client: SecretManagerServiceClient;
let projectSeq = 0;

beforeAll(async () => {
  fake = await startFakeSecretManager();
  client = new SecretManagerServiceClient({
    apiEndpoint: '127.0.0.1',
    port: fake.port,
    sslCreds: grpc.credentials.createInsecure(),
  });
});
afterAll(async () => {
  await client?.close();
  await fake?.close();
});

const setup = (cacheMs = 30_000, staleMs?: number, readTimeoutMs?: number) => {
  const project = `demo-sm-${++projectSeq}`;
  const lines: string[] = [];
  const clock = manualClock(1_750_000_000_000);
  const logger = createLogger({ level: 'DEBUG', sink: (l) => lines.push(l) });
  const source = createSecretManagerSource(client, project, { clock, cacheMs, staleMs, readTimeoutMs, logger });
  return { project, lines, clock, source };
};

/** How many times the fake has been asked for the secret's latest version so far. */
const latestReads = (project: string, secret: string) => () => fake.accessLog.filter((n) => n === `projects/${project}/secrets/${secret}/versions/latest`).length;

/** Waits (on the real clock: the fake answers over gRPC) until `ok()`. */
async function until(ok: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('createSecretManagerSource against a gRPC Secret Manager fake', () => {
  it('returns the latest version of a secret', async () => {
    const { project, source } = setup();
    fake.put(project, 'webhook-secret', 'first-value-1111');
    fake.put(project, 'webhook-secret', 'second-value-2222');
    await expect(source.get('webhook-secret')).resolves.toBe('second-value-2222');
    expect(fake.accessLog.at(-1)).toBe(`projects/${project}/secrets/webhook-secret/versions/latest`);
  });

  it('returns undefined for a secret that does not exist (NOT_FOUND)', async () => {
    const { source } = setup();
    await expect(source.get('fyers-pin')).resolves.toBeUndefined();
  });

  it('returns undefined when the latest version is disabled (FAILED_PRECONDITION)', async () => {
    const { project, source } = setup();
    const v = fake.put(project, 'controls-key', 'controls-value-xyz');
    fake.disable(project, 'controls-key', v);
    await expect(source.get('controls-key')).resolves.toBeUndefined();
  });

  it('drops the trailing newline a shell echo leaves behind', async () => {
    const { project, source } = setup();
    fake.put(project, 'fyers-app-secret', 'app-secret-abc\n');
    await expect(source.get('fyers-app-secret')).resolves.toBe('app-secret-abc');
  });

  it('serves from cache within cacheMs and refetches after, picking up a rotation', async () => {
    const { project, source, clock } = setup(5_000);
    fake.put(project, 'webhook-secret', 'before-rotation-1');
    const calls = latestReads(project, 'webhook-secret');

    await source.get('webhook-secret');
    fake.put(project, 'webhook-secret', 'after-rotation-22');
    clock.advance(4_999);
    await expect(source.get('webhook-secret')).resolves.toBe('before-rotation-1');
    expect(calls()).toBe(1);

    clock.advance(1);
    await expect(source.get('webhook-secret')).resolves.toBe('after-rotation-22');
    expect(calls()).toBe(2);
  });

  it('with a stale window, a request after a quiet spell is answered from memory while the value is read again', async () => {
    const { project, source, clock } = setup(60_000, 540_000);
    fake.put(project, 'webhook-secret', 'before-rotation-1');
    const calls = latestReads(project, 'webhook-secret');
    await source.get('webhook-secret');

    fake.put(project, 'webhook-secret', 'after-rotation-22');
    clock.advance(300_000);
    // Answered without waiting: the first request after the minute still sees the value it had...
    await expect(source.get('webhook-secret')).resolves.toBe('before-rotation-1');
    await until(() => calls() === 2);
    // ...and the next one the rotated value, read beside the first.
    await expect(source.get('webhook-secret')).resolves.toBe('after-rotation-22');
    expect(calls()).toBe(2);
  });

  it('with a stale window, a rotated-out key passes at most the one request that starts the read, not the burst during it', async () => {
    const { project, source, clock } = setup(60_000, 540_000);
    fake.put(project, 'webhook-secret', 'leaked-before-rotation');
    await source.get('webhook-secret');
    fake.put(project, 'webhook-secret', 'rotated-after-the-leak');
    clock.advance(120_000);
    const burst = await Promise.all(Array.from({ length: 20 }, () => presentedSecretMatches(source, 'webhook-secret', 'leaked-before-rotation')));
    expect(burst.filter(Boolean)).toHaveLength(1);
    expect(burst[0]).toBe(true); // the one that started the read, answered from memory
    await expect(presentedSecretMatches(source, 'webhook-secret', 'leaked-before-rotation')).resolves.toBe(false);
    await expect(presentedSecretMatches(source, 'webhook-secret', 'rotated-after-the-leak')).resolves.toBe(true);
  });

  it('with a stale window, a fresh get reads again once the minute has passed, and only then', async () => {
    const { project, source, clock } = setup(60_000, 540_000);
    fake.put(project, 'webhook-secret', 'before-rotation-1');
    const calls = latestReads(project, 'webhook-secret');
    await source.get('webhook-secret');
    await expect(source.get('webhook-secret', { fresh: true })).resolves.toBe('before-rotation-1');
    expect(calls()).toBe(1);
    fake.put(project, 'webhook-secret', 'after-rotation-22');
    clock.advance(120_000);
    await expect(source.get('webhook-secret', { fresh: true })).resolves.toBe('after-rotation-22');
    expect(calls()).toBe(2);
  });

  it('with a stale window, an outage does not refuse a value read minutes ago; after the window it does', async () => {
    const { project, source, clock } = setup(60_000, 540_000);
    fake.put(project, 'webhook-secret', 'kept-through-outage');
    await source.get('webhook-secret');
    fake.failNext(grpc.status.PERMISSION_DENIED, 1);
    clock.advance(120_000);
    await expect(source.get('webhook-secret')).resolves.toBe('kept-through-outage');
    clock.advance(480_000); // 10 minutes since the last good read
    fake.failNext(grpc.status.PERMISSION_DENIED, 1);
    await expect(source.get('webhook-secret')).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('a read that hangs, or meets an outage, gives up within its bound instead of the client\'s 60 s', async () => {
    const { project, source } = setup(0, undefined, 200);
    fake.put(project, 'webhook-secret', 'eventually-readable');
    fake.stallNext(1); // a server that never answers
    await expect(source.get('webhook-secret')).rejects.toBeInstanceOf(DependencyUnavailableError);
    fake.failNext(grpc.status.UNAVAILABLE, 1_000); // an outage: UNAVAILABLE on every attempt
    await expect(source.get('webhook-secret')).rejects.toBeInstanceOf(DependencyUnavailableError);
    fake.failNext(grpc.status.UNAVAILABLE, 0);
    await expect(source.get('webhook-secret')).resolves.toBe('eventually-readable');
  });

  it('a read retries a blip (UNAVAILABLE) within its bound, where the client would first wait 2 s', async () => {
    const { project, source } = setup(0); // the deployed bound, 1.5 s
    fake.put(project, 'webhook-secret', 'read-on-the-retry');
    const calls = latestReads(project, 'webhook-secret');
    fake.failNext(grpc.status.UNAVAILABLE, 1);
    await expect(source.get('webhook-secret')).resolves.toBe('read-on-the-retry');
    expect(calls()).toBe(2);
  });

  it('shares one request between concurrent callers', async () => {
    const { project, source } = setup();
    fake.put(project, 'fyers-pin', '918273');
    const values = await Promise.all([source.get('fyers-pin'), source.get('fyers-pin'), source.get('fyers-pin')]);
    expect(values).toEqual(['918273', '918273', '918273']);
    expect(fake.accessLog.filter((n) => n.startsWith(`projects/${project}/`))).toHaveLength(1);
  });

  it('throws DependencyUnavailableError on an outage and does not cache the failure', async () => {
    const { project, source } = setup();
    fake.put(project, 'controls-key', 'controls-after-outage');
    // UNAVAILABLE is retried by google-gax by default, so fail more times than it retries.
    fake.failNext(grpc.status.PERMISSION_DENIED, 1);
    await expect(source.get('controls-key')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(source.get('controls-key')).resolves.toBe('controls-after-outage');
  });

  it('never writes a secret value into a log line or an error message', async () => {
    // A raw capturing logger with no redaction, so the assertion is about what the adapter emits.
    const raw: string[] = [];
    const capture = (level: string) => (m: string, f?: Record<string, unknown>) => void raw.push(`${level} ${m} ${JSON.stringify(f ?? {})}`);
    const logger: Logger = { debug: capture('D'), info: capture('I'), warn: capture('W'), error: capture('E'), child: () => logger };
    const project = `demo-sm-${++projectSeq}`;
    const source = createSecretManagerSource(client, project, { clock: () => 0, cacheMs: 0, logger });
    const value = 'super-sensitive-value-42';
    fake.put(project, 'fyers-app-secret', value);

    await expect(source.get('fyers-app-secret')).resolves.toBe(value);
    await source.get('webhook-secret'); // NOT_FOUND path logs a warning
    fake.failNext(grpc.status.PERMISSION_DENIED, 1);
    const err = (await source.get('fyers-app-secret').catch((e: unknown) => e)) as DependencyUnavailableError;

    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(raw.length).toBeGreaterThanOrEqual(2); // the warning and the error were really logged
    expect(raw.join('\n')).not.toContain(value);
    expect(err.message).not.toContain(value);
    expect(JSON.stringify(err.details)).not.toContain(value);
  });
});

describe('fake Secret Manager through the real client', () => {
  it('creates a secret, adds versions and accesses a pinned version; a duplicate create is ALREADY_EXISTS', async () => {
    const parent = `projects/demo-sm-${++projectSeq}`;
    const [secret] = await client.createSecret({ parent, secretId: 'fyers-pin', secret: { replication: { automatic: {} } } });
    expect(secret.name).toBe(`${parent}/secrets/fyers-pin`);
    await client.addSecretVersion({ parent: secret.name!, payload: { data: Buffer.from('111111') } });
    const [v2] = await client.addSecretVersion({ parent: secret.name!, payload: { data: Buffer.from('222222') } });
    expect(v2.name).toBe(`${secret.name}/versions/2`);
    const [v1] = await client.accessSecretVersion({ name: `${secret.name}/versions/1` });
    expect(Buffer.from(v1.payload!.data as Uint8Array).toString()).toBe('111111');
    await expect(client.createSecret({ parent, secretId: 'fyers-pin', secret: {} })).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS });
  });
});
