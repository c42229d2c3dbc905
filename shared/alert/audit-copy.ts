/** Keys that may hold a credential, whatever the sender called them. */
const SECRET_KEY = /token|secret|passw|pin|key$/i;
const MAX_KEYS = 30;
const MAX_TEXT = 200;

/**
 * What the audit keeps of an alert that failed validation, so the operator can see what was sent:
 * top-level plain values only, credentials dropped, long text cut. A valid alert is kept as parsed instead.
 */
export function auditCopyOfRawAlert(body: unknown): Record<string, unknown> | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>).slice(0, MAX_KEYS)) {
    if (SECRET_KEY.test(k) && k !== 'idempotency_key') continue;
    if (typeof v === 'string') out[k.slice(0, 64)] = v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k.slice(0, 64)] = v;
    else out[k.slice(0, 64)] = Array.isArray(v) ? '[list]' : '[object]';
  }
  return out;
}
