/**
 * Structured JSON-lines logger in the shape Cloud Logging understands (`severity`, `message`).
 * Every line passes through redaction: values of registered secrets are replaced wherever they
 * appear, and fields whose names look like credentials are masked. Secrets never reach a log.
 */
export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /(token|secret|password|passphrase|authorization|pin|apikey|api_key|appidhash|auth_code|code_verifier)$/i;
const REDACTED = '[REDACTED]';

/** Process-wide set of secret values to scrub; adapters register what they load. */
const knownSecrets = new Set<string>();

/** Longest first, so a short secret inside a longer one cannot leave part of the longer one behind. */
let longestFirst: string[] = [];

/** Every configured secret, however short: a 4-digit PIN is a secret too. */
export function registerSecret(value: string | undefined): void {
  if (!value || knownSecrets.has(value)) return;
  knownSecrets.add(value);
  longestFirst = [...knownSecrets].sort((a, b) => b.length - a.length);
}

export function redactText(text: string): string {
  let out = text;
  for (const s of longestFirst) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** Deep copy with credential-named fields masked; cycles and depth are bounded so logging never throws. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

export type LogSink = (line: string) => void;

const rank: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };

export function createLogger(opts: { level?: Severity; sink?: LogSink; base?: Record<string, unknown> } = {}): Logger {
  const min = rank[opts.level ?? 'INFO'];
  const sink = opts.sink ?? ((line: string) => process.stdout.write(line + '\n'));
  const base = opts.base ?? {};
  const write = (severity: Severity, message: string, fields?: Record<string, unknown>) => {
    if (rank[severity] < min) return;
    const entry = redact({ severity, message, time: new Date().toISOString(), ...base, ...fields });
    sink(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => write('DEBUG', m, f),
    info: (m, f) => write('INFO', m, f),
    warn: (m, f) => write('WARNING', m, f),
    error: (m, f) => write('ERROR', m, f),
    child: (fields) => createLogger({ level: opts.level, sink, base: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = createLogger({ sink: () => undefined });
