/**
 * Builds the order lifecycle as a deployed function would (Firestore store, Fyers broker and the one executor, Pub/Sub
 * events), pointed at the emulators and a fake Fyers. Shared by in-process tests and worker processes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { handleOrderUpdate, type OrderUpdatesDeps } from '../../../functions/order-updates/order-updates.handler';
import { createFyersApi } from '../../../shared/broker/fyers/fyers.api';
import { createOrderExecutor } from '../../../shared/orders/execute/execute-plan';
import { lifecycleExits, lifecycleRecorder } from '../../../shared/orders/lifecycle/lifecycle-recorder';
import { fyersPostbackSignature, parseFyersPostback } from '../../../shared/broker/fyers/fyers.postback';
import { createPubSubOrderEventPublisher } from '../../../shared/notify/order-events.pubsub';
import type { Notification } from '../../../shared/notify/notifier.port';
import type { LifecycleDeps } from '../../../shared/orders/lifecycle/lifecycle.deps';
import { createLogger } from '../../../shared/platform/logger';
import { createFirestoreOrderRecordStore } from '../../../shared/store/firestore/order-records.firestore';

export interface LifecycleWiring {
  prefix: string;
  projectId: string;
  /** Fake Fyers API base (…/api/v3) and a token it accepts. */
  apiUrl: string;
  appId: string;
  token: string;
  topic: string;
  instanceId: string;
  managedExits?: boolean;
  postbackSecret?: string;
}

export interface BuiltLifecycle {
  deps: LifecycleDeps;
  notifications: Notification[];
  logs: string[];
  /** Resolves once the work postbacks and changes left running (their follow-ups, exits, events) has ended. */
  followed(): Promise<void>;
  close(): Promise<void>;
}

export function buildLifecycle(w: LifecycleWiring): BuiltLifecycle {
  const db = new Firestore({ projectId: w.projectId });
  const pubsub = new PubSub({ projectId: w.projectId });
  const logs: string[] = [];
  const logger = createLogger({ level: 'INFO', sink: (l) => logs.push(l) });
  const notifications: Notification[] = [];
  // Postback follow-ups (exits, events) run after the answer: closing waits for them.
  const pending = new Set<Promise<unknown>>();
  const deps: LifecycleDeps = {
    background: (work) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    clock: Date.now,
    logger,
    records: createFirestoreOrderRecordStore(db, { prefix: w.prefix }),
    publisher: createPubSubOrderEventPublisher(pubsub.topic(w.topic)),
    notifier: { notify: async (n) => void notifications.push(n) },
    broker: createFyersApi({ apiUrl: w.apiUrl, dataUrl: w.apiUrl.replace(/\/api\/v3$/, '/data'), appId: w.appId, accessToken: async () => w.token, logger, timeoutMs: 2000 }),
    instanceId: w.instanceId,
    settings: { managedExits: () => w.managedExits ?? true, exitClaimMs: 10_000, stopLimitSlippagePct: 0.02, unfilledAlertMs: 60_000, outboxGraceMs: 0 },
  };
  deps.recorder = lifecycleRecorder(deps);
  deps.executor = createOrderExecutor({ broker: deps.broker!, logger, recorder: deps.recorder, exits: lifecycleExits(deps) });
  return {
    deps,
    notifications,
    logs,
    followed: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    close: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await Promise.allSettled([db.terminate(), pubsub.close()]);
    },
  };
}

export const POSTBACK_URL_TOKEN = 'tok-9f2c41d7e8a6b35c0d1e2f3a4b5c6d7e';

/** Serves handleOrderUpdate on 127.0.0.1, as the orderUpdates function would; `url` carries the postback token. */
export async function servePostbacks(deps: LifecycleDeps, secret: string): Promise<{ url: string; server: Server; answers: number[] }> {
  const od: OrderUpdatesDeps = {
    ...deps,
    postbacks: { signature: fyersPostbackSignature, parse: parseFyersPostback },
    secrets: { get: async (n) => (n === 'fyers-postback-secret' ? secret : n === 'fyers-postback-token' ? POSTBACK_URL_TOKEN : undefined) },
  };
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handleOrderUpdate(od, { method: req.method ?? '', url: req.url, rawBody: Buffer.concat(chunks), headers: req.headers }).then((reply) => {
        answers.push(reply.status);
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orderUpdates/${POSTBACK_URL_TOKEN}`, server, answers };
}
