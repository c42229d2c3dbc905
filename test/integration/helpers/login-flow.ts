import { readJsonFile } from '../../../shared/store/local/json-file';
import { join } from 'node:path';
import type { Bridge } from './bridge-kit';
import { CONTROLS_KEY } from './bridge-kit';

/** One HTTP exchange without following redirects, so each hop of the login can be checked. */
export async function hop(url: string, init: RequestInit = {}): Promise<{ status: number; location?: string; text: string }> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') ?? undefined, text: await res.text() };
}

/** POSTs the operator key to /authUrl as the login form would. */
export function submitKey(bridge: Bridge, key = CONTROLS_KEY) {
  return hop(`${bridge.base}/authUrl`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
}

/** Key → Fyers login page → redirect back: returns the callback URL Fyers sent the browser to. */
export async function loginUntilCallback(bridge: Bridge): Promise<string> {
  const started = await submitKey(bridge);
  if (started.status !== 303 || !started.location) throw new Error(`login did not start: ${started.status}`);
  const fyers = await hop(started.location);
  if (fyers.status !== 302 || !fyers.location) throw new Error(`fake Fyers did not redirect: ${fyers.status}`);
  return fyers.location;
}

/** The pending login states the local store holds (by hash), or {} when none was ever created. */
export async function storedStates(bridge: Bridge): Promise<Record<string, { expiresAt: number; usedAt?: number }>> {
  return (await readJsonFile(join(bridge.dataDir, 'store', 'oauth-states', 'oauth-states.json'))) ?? {};
}

/** Visible text of an HTML page, for assertions that read like what the operator sees. */
export const textOf = (html: string) => html.replace(/<style>.*?<\/style>/gs, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
