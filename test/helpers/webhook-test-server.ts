import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/index';
import { setDepsForTests } from '../../functions/composition';
import { listen } from './webhook-client';

/**
 * Serves the `webhook` function as Cloud Run does (Functions Framework) on a loopback port for the
 * whole test file, and runs per-test clean-ups in reverse order after each test. Call at file level.
 */
export function useWebhookServer(): { url: () => string; onCleanup: (fn: () => Promise<void> | void) => void } {
  let url = '';
  let closeServer: (() => Promise<void>) | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  beforeAll(async () => {
    const served = await listen(getTestServer('webhook') as Server);
    url = served.url;
    closeServer = served.close;
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    setDepsForTests(undefined);
    await closeServer?.();
  });
  return { url: () => url, onCleanup: (fn) => void cleanups.push(fn) };
}
