import { join } from 'node:path';
import type { BlobStore } from '../shared/blob/blob.port';
import type { Broker } from '../shared/broker/broker.port';
import { createPaperBroker } from '../shared/broker/paper/paper.broker';
import type { Config } from '../shared/config/config';
import type { Notification, NotificationDelivery, Notifier } from '../shared/notify/notifier.port';
import { rememberNotifications, type RecentNotifications } from '../shared/notify/recent-notifications';
import type { Clock } from '../shared/platform/clock';
import type { Logger } from '../shared/platform/logger';
import { registerSecret } from '../shared/platform/logger';
import type { SecretSource } from '../shared/secrets/secrets.port';
import type { AuditLog } from '../shared/store/audit.port';
import type { AlertCommitStore } from '../shared/store/alert-commit.port';
import { composedAlertCommit } from '../shared/store/composed-alert-commit';
import type { StoredOrderEvent, StoredOrderRecord } from '../shared/store/order-records.port';
import type { ControlsStore } from '../shared/store/controls.port';
import type { IdempotencyStore } from '../shared/store/idempotency.port';
import type { OrderResult } from '../shared/orders/order-result';
import type { LeaseStore } from '../shared/store/lease.port';
import type { HoldingsStore } from '../shared/store/holdings.port';
import type { PaperBookStore } from '../shared/store/paper-book.port';
import type { PaperState } from '../shared/broker/paper/paper.broker';
import type { OAuthStateStore } from '../shared/store/oauth-state.port';
import type { OrderRecordStore } from '../shared/store/order-records.port';
import type { OrderRecord } from '../shared/orders/lifecycle/order-record';
import type { OrderEventV1 } from '../shared/orders/lifecycle/order-event';
import type { OrderEventPublisher } from '../shared/orders/lifecycle/order-events.port';
import type { WebhookSubscriptionStore } from '../shared/store/webhook-subscriptions.port';
import { createStoreHealth, type StoreHealth } from '../shared/store/store-health';
import type { SymbolIndex } from '../shared/symbols/instrument';
import { createSymbolSource, type SymbolIndexLoader } from '../shared/symbols/symbol-source';
import { paceBehind, webhookDrain } from './drain';
import type { BootstrapIndex } from '../shared/symbols/symbol-loaders';
import { DependencyUnavailableError } from '../shared/errors';
import { createAccessTokens, type AccessTokens } from '../shared/tokens/access-token-provider';
import type { BrokerLogin } from '../shared/tokens/broker-login.port';
import type { TokenStore } from '../shared/tokens/token.port';
import type { Check } from './readyz/readyz.handler';

/** Every port the functions use, with the implementation config picked. */
export interface Adapters {
  broker: Broker;
  idempotency: IdempotencyStore<OrderResult>;
  audit: AuditLog;
  controls: ControlsStore;
  tokens: TokenStore;
  accessTokens: AccessTokens;
  leases: LeaseStore;
  oauthStates: OAuthStateStore;
  holdings: HoldingsStore;
  /**
   * The forward test's own stores: the paper book, and order records and strategy holdings of the same
   * shapes as the live ones but apart from them, so the live reconcile, postbacks, square-off and risk
   * rules never see a paper order and a paper fill never moves a live book.
   */
  forwardTest: { book: PaperBookStore<PaperState>; orderRecords: OrderRecordStore<OrderRecord, OrderEventV1>; holdings: HoldingsStore };
  orderRecords: OrderRecordStore<OrderRecord, OrderEventV1>;
  /** The alert's one write after the send: outcome, order records and audit together. */
  alertCommit: AlertCommitStore<OrderResult>;
  orderEvents: OrderEventPublisher;
  webhookSubscriptions: WebhookSubscriptionStore;
  secrets: SecretSource;
  notifier: Notifier;
  /** The last notifications sent, for the console; every notifier call also lands here. */
  recentNotifications: RecentNotifications;
  blobs: BlobStore;
  symbolLoader: SymbolIndexLoader;
  /** The instance's symbol index, reloaded when the source has a newer version. */
  symbols: () => Promise<SymbolIndex>;
  login?: BrokerLogin;
  download: (url: string) => Promise<string>;
  forwardNotification: (n: Notification) => Promise<NotificationDelivery | void>;
  probes: Record<string, () => Promise<Check>>;
  close(): Promise<void>;
}

interface Basics {
  clock: Clock;
  logger: Logger;
  instanceId: string;
}

/** Local paper runs work without any setup: this secret is printed by `npm start` and refused with BROKER=fyers. */
export const PAPER_DEMO_SECRET = 'paper-demo-secret';

/** Firestore collections of the forward test are the live ones' names with this in front (`paper-orders`). */
const FORWARD_TEST_PREFIX = 'paper-';

type Stores = Pick<Adapters, 'idempotency' | 'audit' | 'alertCommit' | 'controls' | 'tokens' | 'leases' | 'oauthStates' | 'orderRecords' | 'webhookSubscriptions' | 'recentNotifications' | 'holdings' | 'forwardTest'> & { probe: () => Promise<Check>; close(): Promise<void> };

/** The store's readiness: reachable, and no record it holds found unreadable (see StoreHealth). */
async function storeCheck(store: string, health: StoreHealth, controls: ControlsStore, extra: Record<string, unknown> = {}): Promise<Check> {
  // Reading the controls is what finds an unreadable controls record, even before any alert has.
  await controls.get();
  const problems = await health.check();
  if (problems.length === 0) return { ok: true, store, ...extra };
  return { ok: false, store, detail: problems[0]!.what, unreadable: problems.length, ...extra };
}

async function buildStores(config: Config, health: StoreHealth): Promise<Stores> {
  if (config.store === 'firestore') {
    const { Firestore } = await import('@google-cloud/firestore');
    const [{ createFirestoreIdempotencyStore }, { createFirestoreAuditLog }, { createFirestoreControlsStore }, { createFirestoreTokenStore }, { createFirestoreLeaseStore }, { createFirestoreOAuthStateStore }, { createFirestoreRecentNotifications }] =
      await Promise.all([
        import('../shared/store/firestore/idempotency.firestore'),
        import('../shared/store/firestore/audit.firestore'),
        import('../shared/store/firestore/controls.firestore'),
        import('../shared/store/firestore/token.firestore'),
        import('../shared/store/firestore/lease.firestore'),
        import('../shared/store/firestore/oauth-state.firestore'),
        import('../shared/store/firestore/notifications.firestore'),
      ]);
    const { createFirestoreOrderRecordStore } = await import('../shared/store/firestore/order-records.firestore');
    const { createFirestoreWebhookSubscriptionStore } = await import('../shared/store/firestore/webhook-subscriptions.firestore');
    const { createFirestoreHoldingsStore } = await import('../shared/store/firestore/holdings.firestore');
    const { createFreshClaims } = await import('../shared/store/firestore/fresh-claims');
    const db = new Firestore({ projectId: config.projectId, databaseId: config.firestoreDatabase, ignoreUndefinedProperties: true });
    const controls = createFirestoreControlsStore(db, { health });
    // Open the gRPC channel now, while the rest of the instance loads, not on the first alert.
    void db.collection('health').doc('probe').get().catch(() => undefined);
    // The claims this instance creates, told to its alert commit: committing those needs no read first.
    const freshClaims = createFreshClaims();
    return {
      orderRecords: createFirestoreOrderRecordStore<OrderRecord, OrderEventV1>(db),
      alertCommit: (await import('../shared/store/firestore/alert-commit.firestore')).createFirestoreAlertCommit<OrderResult, StoredOrderRecord, StoredOrderEvent>(db, { health, freshClaims }),
      webhookSubscriptions: createFirestoreWebhookSubscriptionStore(db),
      idempotency: createFirestoreIdempotencyStore<OrderResult>(db, { health, freshClaims }),
      audit: createFirestoreAuditLog(db),
      controls,
      tokens: createFirestoreTokenStore(db),
      leases: createFirestoreLeaseStore(db),
      oauthStates: createFirestoreOAuthStateStore(db),
      recentNotifications: createFirestoreRecentNotifications(db),
      holdings: createFirestoreHoldingsStore(db),
      forwardTest: {
        book: (await import('../shared/store/firestore/paper-book.firestore')).createFirestorePaperBook<PaperState>(db, 'forward-test'),
        orderRecords: createFirestoreOrderRecordStore<OrderRecord, OrderEventV1>(db, { prefix: FORWARD_TEST_PREFIX }),
        holdings: createFirestoreHoldingsStore(db, { prefix: FORWARD_TEST_PREFIX }),
      },
      probe: async () => {
        await db.collection('health').doc('probe').get();
        return storeCheck('firestore', health, controls);
      },
      close: () => db.terminate(),
    };
  }
  const [{ createLocalIdempotencyStore }, { createLocalAuditLog }, { createLocalControlsStore }, { createLocalTokenStore }, { createLocalLeaseStore }, { createLocalOAuthStateStore }, { createLocalRecentNotifications }] =
    await Promise.all([
      import('../shared/store/local/idempotency.local'),
      import('../shared/store/local/audit.local'),
      import('../shared/store/local/controls.local'),
      import('../shared/store/local/token.local'),
      import('../shared/store/local/lease.local'),
      import('../shared/store/local/oauth-state.local'),
      import('../shared/store/local/notifications.local'),
    ]);
  const dir = join(config.dataDir, 'store');
  const { createLocalOrderRecordStore } = await import('../shared/store/local/order-records.local');
  const { createLocalWebhookSubscriptionStore } = await import('../shared/store/local/webhook-subscriptions.local');
  const { createLocalHoldingsStore } = await import('../shared/store/local/holdings.local');
  const controls = createLocalControlsStore(join(dir, 'controls'), health);
  const orderRecords = createLocalOrderRecordStore<OrderRecord, OrderEventV1>(join(dir, 'orders'), health);
  const idempotency = createLocalIdempotencyStore<OrderResult>(join(dir, 'idempotency'), health);
  const audit = createLocalAuditLog(join(dir, 'audit'));
  return {
    orderRecords,
    alertCommit: composedAlertCommit({ idempotency, records: orderRecords, audit }),
    webhookSubscriptions: createLocalWebhookSubscriptionStore(join(dir, 'webhooks'), health),
    idempotency,
    audit,
    controls,
    tokens: createLocalTokenStore(join(dir, 'tokens')),
    leases: createLocalLeaseStore(join(dir, 'leases')),
    oauthStates: createLocalOAuthStateStore(join(dir, 'oauth-states')),
    recentNotifications: createLocalRecentNotifications(join(dir, 'notifications')),
    holdings: createLocalHoldingsStore(join(dir, 'holdings')),
    forwardTest: {
      book: (await import('../shared/store/local/paper-book.local')).createLocalPaperBook<PaperState>(join(dir, 'paper', 'book.json')),
      orderRecords: createLocalOrderRecordStore<OrderRecord, OrderEventV1>(join(dir, 'paper', 'orders'), health),
      holdings: createLocalHoldingsStore(join(dir, 'paper', 'holdings')),
    },
    probe: () => storeCheck('local', health, controls, { dataDir: config.dataDir }),
    close: async () => undefined,
  };
}

async function buildSecrets(config: Config, b: Basics): Promise<{ secrets: SecretSource; probe: () => Promise<Check> }> {
  if (config.secrets === 'secret-manager') {
    const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
    const { createSecretManagerSource } = await import('../shared/secrets/secrets.secret-manager');
    const { refuseWeakSecrets } = await import('../shared/secrets/strong-secrets');
    // Fresh for a minute, then answered from memory for up to 9 more while read again beside the
    // request: an alert after a quiet spell does not wait on Secret Manager before its claim (see
    // docs/deploy.md on rotation: the old value is gone within 10 minutes, usually after one request).
    const stored = createSecretManagerSource(new SecretManagerServiceClient(), config.projectId ?? '', { clock: b.clock, cacheMs: 60_000, staleMs: 9 * 60_000, logger: b.logger });
    // With the real broker a guessable key counts as no key (config checks env values; these come later).
    const strong = config.broker === 'fyers' ? refuseWeakSecrets(stored, b.logger) : undefined;
    const secrets = strong ?? stored;
    return {
      secrets,
      probe: async () => {
        const weak = (await strong?.weakOnes()) ?? [];
        if (weak.length > 0) return { ok: false, detail: `refused: too easy to guess (at least 128 bits needed) or equal to another key: ${weak.join(', ')}` };
        const present = Boolean(await secrets.get('webhook-secret'));
        return { ok: present, detail: present ? undefined : 'the webhook-secret secret has no value' };
      },
    };
  }
  const { createEnvSecretSource } = await import('../shared/secrets/secrets.env');
  const values = { ...config.localSecrets };
  if (!values.webhookSecret && config.broker === 'paper') values.webhookSecret = PAPER_DEMO_SECRET;
  const secrets = createEnvSecretSource({
    WEBHOOK_SECRET: values.webhookSecret,
    CONTROLS_KEY: values.controlsKey,
    FYERS_APP_SECRET: values.fyersAppSecret,
    FYERS_PIN: values.fyersPin,
    FYERS_POSTBACK_SECRET: values.fyersPostbackSecret,
    FYERS_POSTBACK_TOKEN: values.fyersPostbackToken,
  });
  return { secrets, probe: async () => ({ ok: Boolean(values.webhookSecret), detail: values.webhookSecret ? undefined : 'WEBHOOK_SECRET is not set' }) };
}

async function buildNotifier(config: Config, b: Basics, forward: Adapters['forwardNotification']): Promise<{ notifier: Notifier; probe: () => Promise<Check>; close(): Promise<void> }> {
  const { createLogNotifier } = await import('../shared/notify/notifier.log');
  if (config.notify.topic) {
    const { PubSub } = await import('@google-cloud/pubsub');
    const { createPubSubNotifier } = await import('../shared/notify/notifier.pubsub');
    const pubsub = new PubSub({ projectId: config.projectId });
    const topic = pubsub.topic(config.notify.topic);
    return {
      notifier: createPubSubNotifier(topic, b.logger),
      probe: async () => ({ ok: true, topic: config.notify.topic }),
      close: () => pubsub.close(),
    };
  }
  // No topic (local runs): log every notification and, when a target is configured, forward it directly.
  const log = createLogNotifier(b.logger);
  return {
    notifier: {
      async notify(n) {
        await log.notify(n);
        if (config.notify.webhookUrl) await forward(n).catch((e: unknown) => b.logger.warn('notification forward failed', { error: e }));
      },
    },
    probe: async () => ({ ok: true, topic: 'none (notifications are logged)' }),
    close: async () => undefined,
  };
}

async function buildOrderEvents(config: Config, b: Basics, subscriptions: WebhookSubscriptionStore): Promise<{ publisher: OrderEventPublisher; close(): Promise<void> }> {
  if (config.lifecycle.orderEventsTopic) {
    const { PubSub } = await import('@google-cloud/pubsub');
    const { createPubSubOrderEventPublisher } = await import('../shared/notify/order-events.pubsub');
    const pubsub = new PubSub({ projectId: config.projectId });
    return { publisher: createPubSubOrderEventPublisher(pubsub.topic(config.lifecycle.orderEventsTopic)), close: () => pubsub.close() };
  }
  // Local runs have no Pub/Sub: registered webhooks get each event straight away (one attempt).
  const { createLogOrderEventPublisher } = await import('../shared/notify/order-events.log');
  const { deliverOrderEvent } = await import('../shared/orders/lifecycle/deliver-order-event');
  const { systemResolveHost } = await import('../shared/notify/safe-target');
  const deliver = async (e: Parameters<OrderEventPublisher['publish']>[0]) => {
    await deliverOrderEvent({ subscriptions, resolve: systemResolveHost, logger: b.logger, clock: b.clock, timeoutMs: 5_000 }, e);
  };
  return { publisher: createLogOrderEventPublisher(b.logger, deliver), close: async () => undefined };
}

async function buildBlobs(config: Config, clock: Clock): Promise<BlobStore> {
  if (config.symbolMaster.bucket) {
    const { Storage } = await import('@google-cloud/storage');
    const { createGcsBlobStore } = await import('../shared/blob/blob.gcs');
    return createGcsBlobStore(new Storage({ projectId: config.projectId }), config.symbolMaster.bucket);
  }
  const { createLocalBlobStore } = await import('../shared/blob/blob.local');
  return createLocalBlobStore(join(config.dataDir, 'blobs'), clock);
}

/** The refresh job's build-validate-publish, run by an instance that starts with nothing published. */
function bootstrapIndex(config: Config, b: Basics, blobs: BlobStore, download: (url: string) => Promise<string>): BootstrapIndex {
  return async () => {
    const { buildAndPublishSymbolIndex } = await import('./symbol-master/refresh-symbol-master.handler');
    const silent: Notifier = { notify: async () => undefined };
    const r = await buildAndPublishSymbolIndex({
      ...symbolMasterPolicy(config),
      clock: b.clock,
      logger: b.logger,
      blobs,
      download,
      notifier: silent,
    });
    if (r.kind === 'failed') {
      throw new DependencyUnavailableError(`No symbol index is published and building one at start failed: ${r.problems.slice(0, 3).join('; ')}`, { problems: r.problems });
    }
    b.logger.info('symbol index built at start', { published: r.kind === 'published', generation: r.kind === 'published' ? r.generation : undefined, instruments: r.instrumentsList.length });
    return { instruments: r.instrumentsList, generation: r.kind === 'published' ? r.generation : undefined, builtAt: b.clock(), sources: config.symbolMaster.urls };
  };
}

/** What the refresh job and a bootstrapping instance both require of a master. */
export function symbolMasterPolicy(config: Config) {
  return {
    objectName: config.symbolMaster.object,
    urls: config.symbolMaster.urls,
    jsonUrls: config.symbolMaster.jsonUrls,
    // The underlyings a trader here actually trades; a master without their expiries is refused.
    underlyings: ['NIFTY', 'BANKNIFTY', 'SENSEX'],
    minInstruments: 1000,
    minShareOfPrevious: 0.6,
  };
}

async function buildSymbolLoader(config: Config, b: Basics, blobs: BlobStore, download: (url: string) => Promise<string>): Promise<SymbolIndexLoader> {
  const loaders = await import('../shared/symbols/symbol-loaders');
  if (config.symbolMaster.file) {
    const { readFile, stat } = await import('node:fs/promises');
    return loaders.fileLoader(
      config.symbolMaster.file.split(',').map((s) => s.trim()),
      (p) => readFile(p, 'utf8'),
      (p) => stat(p),
    );
  }
  // In the cloud, and locally once refreshSymbolMaster has written an index, the stored index is the source.
  // With download URLs configured, an instance that finds none published builds and publishes it itself.
  if (config.symbolMaster.bucket || config.symbolMaster.urls.length > 0) {
    return loaders.indexBlobLoader(blobs, config.symbolMaster.object, config.symbolMaster.urls.length ? bootstrapIndex(config, b, blobs, download) : undefined);
  }
  return loaders.sampleLoader(b.clock);
}

/** Builds the broker adapters, wrapped so a dead session refuses fast and is reported once. */
async function buildBroker(
  config: Config,
  b: Basics,
  ctx: { symbols: () => Promise<SymbolIndex>; tokens: TokenStore; secrets: SecretSource; notifier: Notifier },
  probes: Record<string, () => Promise<Check>>,
): Promise<{ broker: Broker; accessTokens: AccessTokens; login?: BrokerLogin }> {
  const accessTokens = createAccessTokens({ store: ctx.tokens, envToken: config.localSecrets.fyersAccessToken, clock: b.clock, cacheMs: 5_000 });
  if (config.broker === 'paper') {
    const { createLocalPaperBook } = await import('../shared/store/local/paper-book.local');
    const broker = createPaperBroker({ clock: b.clock, symbols: ctx.symbols, fillPrice: config.paperFillPrice, book: createLocalPaperBook(join(config.dataDir, 'paper-broker.json')) });
    return { broker, accessTokens };
  }
  const { createFyersBroker } = await import('../shared/broker/fyers/fyers.broker');
  const { createFyersAuth } = await import('../shared/broker/fyers/fyers.auth');
  const appId = config.fyers.appId!;
  const broker = createFyersBroker({
    apiUrl: config.fyers.apiUrl,
    dataUrl: config.fyers.dataUrl,
    appId,
    tokens: accessTokens,
    timeoutMs: config.fyers.timeoutMs,
    // This function's share of the app's budget (Terraform declares every function's share). A queued
    // alert may wait past TradingView's 3 s (it does not resend timeouts, and the claim stops a resend
    // from doubling) but not past the idempotency lease.
    budget: { perSecond: config.fyers.maxPerSecond, perMinute: config.fyers.maxPerMinute, maxWaitMs: Math.min(15_000, config.idempotencyLeaseMs / 2) },
    clock: b.clock,
    logger: b.logger,
    notifier: ctx.notifier,
    loginUrl: config.loginUrl,
  });
  probes.brokerCircuit = async () => {
    const snap = broker.health();
    return { ok: snap.state !== 'open', ...snap, retryAt: snap.retryAt ? new Date(snap.retryAt).toISOString() : undefined };
  };
  const auth = createFyersAuth({
    apiUrl: config.fyers.apiUrl,
    appId,
    appSecret: async () => {
      const s = await ctx.secrets.get('fyers-app-secret');
      if (!s) throw new Error('fyers-app-secret has no value');
      registerSecret(s);
      return s;
    },
    redirectUrl: config.fyers.redirectUrl ?? (config.publicBaseUrl ? `${config.publicBaseUrl.replace(/\/+$/, '')}/authCallback` : ''),
    timeoutMs: config.fyers.timeoutMs,
    clock: b.clock,
  });
  return { broker, accessTokens, login: auth };
}

/** Delivery to the operator's chat webhook; throws on a retryable failure so Pub/Sub redelivers. */
async function buildForwarder(config: Config, b: Basics): Promise<(n: Notification) => Promise<NotificationDelivery>> {
  const url = config.notify.webhookUrl;
  if (!url) return async () => 'no-target';
  const { createNotificationForwarder } = await import('../shared/notify/forward-notification');
  const { systemResolveHost } = await import('../shared/notify/safe-target');
  registerSecret(url);
  const send = createNotificationForwarder({ url, resolve: systemResolveHost, logger: b.logger, timeoutMs: 5_000 });
  return async (n) => {
    const r = await send(n);
    if (r.ok) return 'delivered';
    if (r.retryable) throw new Error(`notification delivery failed (${r.reason}); will be retried`);
    b.logger.error('notification target refused the message; not retrying', { reason: r.reason, status: r.status });
    return 'refused';
  };
}

export async function buildAdapters(config: Config, b: Basics, overrides: Partial<Adapters>): Promise<Adapters> {
  // Independent parts load side by side; the store first opens its channel (see buildStores), which
  // is the slowest step of a cold start on Firestore.
  const health = createStoreHealth(b.clock);
  const storesP = buildStores(config, health);
  const secretsP = overrides.secrets ? Promise.resolve({ secrets: overrides.secrets, probe: async (): Promise<Check> => ({ ok: true }) }) : buildSecrets(config, b);
  const blobsP = overrides.blobs ? Promise.resolve(overrides.blobs) : buildBlobs(config, b.clock);
  const download = overrides.download ?? (async (url: string) => {
    const { default: ky } = await import('ky');
    return ky.get(url, { timeout: 60_000, retry: 2 }).text();
  });
  const symbolLoaderP = overrides.symbolLoader ? Promise.resolve(overrides.symbolLoader) : blobsP.then((blobs) => buildSymbolLoader(config, b, blobs, download));
  const forward = overrides.forwardNotification ?? (await buildForwarder(config, b));
  const notifierP = overrides.notifier ? Promise.resolve({ notifier: overrides.notifier, probe: async (): Promise<Check> => ({ ok: true }), close: async () => undefined }) : buildNotifier(config, b, forward);
  const [stores, { secrets, probe: secretsProbe }, notifierParts, blobs, symbolLoader] = await Promise.all([storesP, secretsP, notifierP, blobsP, symbolLoaderP]);
  const recentNotifications = overrides.recentNotifications ?? stores.recentNotifications;
  notifierParts.notifier = rememberNotifications(notifierParts.notifier, recentNotifications, b.logger);
  // Once per record that turns unreadable: a human has to look at it (and at the broker) before it is repaired.
  health.onUnreadable((p) => {
    b.logger.error('store record unreadable', { record: p.id, problem: p.what });
    void notifierParts.notifier.notify({ kind: 'store.unreadable', severity: 'critical', summary: p.what, at: p.since, details: { record: p.id } });
  });
  // A new index is decoded in steps between alerts: while this instance has alerts in flight a step
  // waits for them (100 ms at most, so a swap still ends under steady load); an alert then shares the
  // CPU with one step at most, not with a 300-600 ms decode.
  const symbols = createSymbolSource(symbolLoader, { clock: b.clock, logger: b.logger, checkEveryMs: 60_000, pace: paceBehind(webhookDrain, 100) });
  const tokens = overrides.tokens ?? stores.tokens;
  const brokerProbes: Record<string, () => Promise<Check>> = {};
  const brokerParts = await buildBroker(config, b, { symbols, tokens, secrets, notifier: notifierParts.notifier }, brokerProbes);
  const events = overrides.orderEvents ? { publisher: overrides.orderEvents, close: async () => undefined } : await buildOrderEvents(config, b, overrides.webhookSubscriptions ?? stores.webhookSubscriptions);
  const orderRecords = overrides.orderRecords ?? stores.orderRecords;
  const idempotency = overrides.idempotency ?? stores.idempotency;
  const audit = overrides.audit ?? stores.audit;
  // A store swapped in (a test's failing audit, say) must see its writes: then the commit is made of the parts.
  const swapped = overrides.orderRecords || overrides.idempotency || overrides.audit;
  return {
    orderRecords,
    alertCommit: overrides.alertCommit ?? (swapped ? composedAlertCommit({ idempotency, records: orderRecords, audit }) : stores.alertCommit),
    orderEvents: events.publisher,
    webhookSubscriptions: overrides.webhookSubscriptions ?? stores.webhookSubscriptions,
    idempotency,
    audit,
    controls: overrides.controls ?? stores.controls,
    tokens,
    leases: overrides.leases ?? stores.leases,
    oauthStates: overrides.oauthStates ?? stores.oauthStates,
    holdings: overrides.holdings ?? stores.holdings,
    forwardTest: overrides.forwardTest ?? stores.forwardTest,
    secrets,
    notifier: notifierParts.notifier,
    recentNotifications,
    blobs,
    symbolLoader,
    symbols,
    broker: overrides.broker ?? brokerParts.broker,
    accessTokens: overrides.accessTokens ?? brokerParts.accessTokens,
    login: 'login' in overrides ? overrides.login : brokerParts.login,
    download,
    forwardNotification: forward,
    probes: { store: stores.probe, secrets: secretsProbe, notifications: notifierParts.probe, ...brokerProbes, ...(overrides.probes ?? {}) },
    close: async () => {
      await Promise.allSettled([stores.close(), notifierParts.close(), events.close()]);
    },
  };
}
