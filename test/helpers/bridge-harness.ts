import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeps, setDepsForTests, type AppDeps } from '../../functions/composition';
import type { Adapters } from '../../functions/adapters';
import { handleOrderUpdate } from '../../functions/order-updates/order-updates.handler';
import { parseConfig, type Config } from '../../shared/config/config';
import type { Notification, Notifier } from '../../shared/notify/notifier.port';
import type { Clock } from '../../shared/platform/clock';
import { silentLogger, type Logger } from '../../shared/platform/logger';
import { followablePostbacks } from './postback-follow';
import type { FakeFyers } from '../fake-fyers';

/**
 * The one way a test starts a bridge: config from a few options, the deps from the composition root
 * (functions/composition.ts, exactly as a Cloud Run instance builds them), and whatever the test needs
 * around them (the instance-wide deps the HTTP entry points serve, the one-port local server, Fyers'
 * postbacks wired to orderUpdates), all undone by one close(). The kits (bridge-kit, fyers-app,
 * webhook-e2e-kit) are presets over this; a worker process builds its deps here too.
 */

type Env = Record<string, string | undefined>;

/** The postback secret a harness with `postbacks` configures (FYERS_POSTBACK_SECRET) and the fake signs with. */
export const POSTBACK_SECRET = 'trader-day-postback-secret-4f1c9a';
/** The token in the postback URL the operator pastes into Fyers' dashboard (FYERS_POSTBACK_TOKEN). */
export const POSTBACK_TOKEN = 'trader-day-url-token-7d3e9b1c5a2f8e4d';

export interface HarnessOptions {
  /** Names the temp data dir (`bridge-<label>-…`). */
  label?: string;
  /**
   * Orders go to this fake Fyers server (BROKER=fyers pointed at it), which close() closes after the
   * deps. A function is called with the local server's origin (when there is one), for a fake that
   * must send logins back to it. Without a fake the environment decides (the paper broker by default).
   */
  fake?: FakeFyers | ((origin: string | undefined) => Promise<FakeFyers>);
  /** With a fake: start logged in, with FYERS_ACCESS_TOKEN issued by it. Default true. */
  accessToken?: boolean;
  /** STORE. 'firestore' runs against the emulator only (FIRESTORE_EMULATOR_HOST on loopback). */
  store?: 'local' | 'firestore';
  /** GOOGLE_CLOUD_PROJECT, e.g. an isolated demo project per test file. */
  projectId?: string;
  /** DATA_DIR: a fresh temp dir removed by close() (default), or whatever the environment says. */
  dataDir?: 'temp' | 'env';
  /**
   * The rest of the environment, over what the options above set. A function gets the local server's
   * origin and the fake, for settings that name them (PUBLIC_BASE_URL, FYERS_REDIRECT_URL).
   */
  env?: Env | ((at: { origin: string | undefined; fake: FakeFyers | undefined }) => Env);
  /** The bridge's clock (the fake keeps its own: give it the same one). Default: the system clock. */
  clock?: Clock;
  /** Default: silent. 'configured' is the logger the app builds from LOG_LEVEL, as a deployed instance logs. */
  logger?: Logger | 'configured';
  /** 'record' puts a recording notifier in place of the configured one (its notifications in `notes`). */
  notifier?: 'configured' | 'record';
  /** Adapters to use instead of the configured ones (over the recording notifier), and how long a postback answer waits for its follow-up. */
  overrides?: Partial<Adapters> & { postbackFollowUpMs?: number };
  /** Warm the deps up before anything else is wired (store channel, symbol master, secret), as an instance does at start. */
  warmUp?: boolean;
  /** Make these deps the instance's (what the Functions Framework entry points serve) until close(). */
  instance?: boolean;
  /** Serve every function on one port, as `npm start` does (implies `instance`); its origin is `url`. */
  localServer?: boolean | { trustForwardedFor?: boolean };
  /** Serve orderUpdates on loopback and point the fake's postbacks at it (POSTBACK_SECRET, POSTBACK_TOKEN). */
  postbacks?: boolean;
}

export type RecordingNotifier = Notifier & { sent: Notification[]; ofKind(kind: Notification['kind']): Notification[] };

export interface Harness {
  config: Config;
  /** The environment the config was parsed from. */
  env: Env;
  deps: AppDeps;
  fake: FakeFyers | undefined;
  dataDir: string;
  /** What the recording notifier was given (empty unless `notifier: 'record'`). */
  notes: RecordingNotifier;
  /** Origin of the local server, when started. */
  url: string | undefined;
  postbacks: PostbackReceiver | undefined;
  /** A second deps instance on the same config and stores (another Cloud Run instance), closed with this one. */
  another(overrides?: Partial<Adapters>): Promise<AppDeps>;
  close(): Promise<void>;
}

/** The environment that points the bridge at a fake Fyers server (and, by default, logs it in). */
export function fakeBrokerEnv(fake: FakeFyers, opts: { accessToken?: boolean } = {}): Record<string, string> {
  return {
    BROKER: 'fyers',
    ALLOW_SAMPLE_MASTER: 'true',
    FYERS_APP_ID: fake.state.appId,
    FYERS_API_URL: fake.apiUrl,
    FYERS_DATA_URL: fake.dataUrl,
    ...(opts.accessToken === false ? {} : { FYERS_ACCESS_TOKEN: fake.issueAccessToken() }),
  };
}

function recordingNotifier(): RecordingNotifier {
  const sent: Notification[] = [];
  return {
    sent,
    ofKind: (kind) => sent.filter((n) => n.kind === kind),
    notify: async (n) => {
      sent.push(n);
    },
  };
}

/** What a harness has started so far, for close() to undo. */
interface Running {
  server?: Server;
  instance?: boolean;
  postbacks?: PostbackReceiver;
  deps: AppDeps[];
  fake?: FakeFyers;
  dataDir?: string;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  // What is running so far, closed in this order: no new request reaches the bridge, then the
  // postbacks in flight finish, then every deps instance closes, then the fake, then the data dir goes.
  const running: Running = { deps: [] };
  const close = async () => {
    const steps: Array<() => Promise<unknown> | void> = [
      () => {
        if (running.instance) setDepsForTests(undefined);
      },
      () => running.server && closeServer(running.server),
      () => running.postbacks?.close(),
      // Each deps instance closes even when another's close fails.
      async () => {
        const results = await Promise.allSettled(running.deps.map((d) => d.close()));
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
      () => running.fake?.close(),
      // A notification written just as the stores close may still be landing in the folder: retry, do not fail the suite.
      () => running.dataDir && rm(running.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
    ];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    }
    Object.assign(running, { server: undefined, instance: false, postbacks: undefined, deps: [], fake: undefined, dataDir: undefined });
    if (errors.length > 0) throw errors[0];
  };
  try {
    return await start(opts, running, close);
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

async function start(
  opts: HarnessOptions,
  running: Running,
  close: () => Promise<void>,
): Promise<Harness> {
  if (opts.store === 'firestore') {
    const host = process.env.FIRESTORE_EMULATOR_HOST;
    if (!host) throw new Error('STORE=firestore needs the Firestore emulator: run under node scripts/with-emulators.mjs');
    if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(host)) throw new Error(`Refusing to run against FIRESTORE_EMULATOR_HOST=${host}: not a loopback emulator`);
  }

  let url: string | undefined;
  if (opts.localServer) {
    // Imported lazily: loading it registers every function, which only the tests that serve them need.
    const { createLocalServer } = await import('../../functions/local-server');
    const server = createLocalServer(opts.localServer === true ? {} : opts.localServer);
    running.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const fake = typeof opts.fake === 'function' ? await opts.fake(url) : opts.fake;
  running.fake = fake;

  if ((opts.dataDir ?? 'temp') === 'temp') running.dataDir = await mkdtemp(join(tmpdir(), `bridge-${opts.label ?? 'data'}-`));

  const env: Env = {
    ...(fake ? fakeBrokerEnv(fake, { accessToken: opts.accessToken }) : {}),
    ...(opts.store ? { STORE: opts.store } : {}),
    ...(opts.projectId ? { GOOGLE_CLOUD_PROJECT: opts.projectId } : {}),
    ...(running.dataDir ? { DATA_DIR: running.dataDir } : {}),
    ...(opts.postbacks ? { FYERS_POSTBACK_SECRET: POSTBACK_SECRET, FYERS_POSTBACK_TOKEN: POSTBACK_TOKEN } : {}),
    ...(typeof opts.env === 'function' ? opts.env({ origin: url, fake }) : opts.env),
  };
  const config = parseConfig(env);

  const notes = recordingNotifier();
  const build = async (overrides: Partial<Adapters> = {}) => {
    const deps = await buildDeps(config, {
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.logger === 'configured' ? {} : { logger: opts.logger ?? silentLogger }),
      ...(opts.notifier === 'record' ? { notifier: notes } : {}),
      ...opts.overrides,
      ...overrides,
    });
    running.deps.push(deps);
    return deps;
  };
  const deps = await build();
  if (opts.warmUp) await deps.warmUp();

  if (opts.instance || running.server) {
    setDepsForTests(deps);
    running.instance = true;
  }

  let postbacks: PostbackReceiver | undefined;
  if (opts.postbacks) {
    if (!fake) throw new Error('postbacks need a fake Fyers to send them');
    postbacks = await wirePostbacks(fake, deps);
    running.postbacks = postbacks;
  }

  return { config, env, deps, fake, dataDir: config.dataDir, notes, url, postbacks, another: build, close };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface PostbackReceiver {
  server: Server;
  /** The orderUpdates deps the server uses: their follow-ups are the ones `followed` waits for. */
  deps: AppDeps['orderUpdates'];
  /** Resolves once every postback answered so far has been followed (the answer waits for that only within its window). */
  followed(): Promise<void>;
  /** Stops the fake's postbacks, waits for those in flight to be followed, and closes the server. */
  close(): Promise<void>;
}

/**
 * Serves the bridge's orderUpdates on 127.0.0.1 and points the fake's postbacks at it. Each postback is
 * answered as in production (once its follow-up ends, or its window closes); closing waits for the work
 * it started (the test must not close the stores under work still running).
 */
async function wirePostbacks(fake: FakeFyers, deps: AppDeps): Promise<PostbackReceiver> {
  const inFlight = new Set<Promise<unknown>>();
  const follow = followablePostbacks(deps.orderUpdates);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const work = handleOrderUpdate(follow.deps, { method: req.method ?? '', url: req.url, rawBody: Buffer.concat(chunks), headers: req.headers }).then((reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.lifecycle.setPostbacks({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orderUpdates/${POSTBACK_TOKEN}`, secret: POSTBACK_SECRET });
  return {
    server,
    deps: follow.deps,
    followed: follow.followed,
    close: async () => {
      fake.lifecycle.setPostbacks(undefined);
      await fake.lifecycle.settled();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await follow.followed();
      await closeServer(server);
    },
  };
}
