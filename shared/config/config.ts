import { parseStrategyRisk, type StrategyRiskConfig } from './strategy-risk-config';
import * as v from 'valibot';
import { EnvSchema } from './config.schema';
import { weakSecretProblem } from './secret-strength';

/** Resolved configuration: defaults that depend on other variables are decided here, once. */
export interface Config {
  port: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  onGcp: boolean;
  /** Cloud Run's revision name (names claim owners) and the function this instance serves. */
  revision?: string;
  functionTarget?: string;
  projectId?: string;
  broker: 'paper' | 'fyers';
  store: 'local' | 'firestore';
  secrets: 'env' | 'secret-manager';
  dataDir: string;
  firestoreDatabase: string;
  /** Values only used when secrets === 'env' (local runs); in the cloud they come from Secret Manager. */
  localSecrets: {
    webhookSecret?: string;
    controlsKey?: string;
    fyersAppSecret?: string;
    fyersAccessToken?: string;
    fyersPin?: string;
    fyersPostbackSecret?: string;
    /** The token in the postback URL; without it every postback is ignored. */
    fyersPostbackToken?: string;
  };
  fyers: { appId?: string; redirectUrl?: string; apiUrl: string; dataUrl: string; timeoutMs: number; maxPerSecond: number; maxPerMinute: number };
  paperFillPrice?: number;
  symbolMaster: { urls: string[]; jsonUrls: string[]; file?: string; bucket?: string; object: string };
  risk: {
    maxLots: number;
    /** TRADING_WINDOW: narrows each exchange's session from the master; absent = the whole session. */
    tradingWindow?: { startMin: number; endMin: number };
    enforceTradingWindow: boolean;
    holidays: string[];
    coverOnlyBuy: boolean;
    freezeQtyOverrides: Record<string, number>;
    protection: 'legs' | 'managed' | 'off';
    limitPriceBandPercent: number;
  };
  dedupWindowMs: number;
  idempotencyTtlMs: number;
  idempotencyLeaseMs: number;
  allowedSourceIps: string[];
  controlsCacheMs: number;
  /** Minutes after IST midnight when INTRADAY holdings are squared off: the global time and per-strategy ones. */
  squareOff: { atMin: number; byStrategy: Record<string, number> };
  /** Absent: no daily loss limit. */
  dailyLossLimit?: number;
  lossLimitFlatten: boolean;
  /** STRATEGY_RISK, parsed: strategy id → its MTM rules (empty: none). */
  strategyRisk: StrategyRiskConfig;
  /** PAPER_STRATEGIES: strategy ids whose alerts trade on the forward-test paper book, not at the broker. */
  paperStrategies: string[];
  notify: { topic?: string; webhookUrl?: string };
  /** Order lifecycle: where order events go and when an unfilled market order is reported. */
  lifecycle: { orderEventsTopic?: string; unfilledAlertMs: number };
  publicBaseUrl?: string;
  /** Where the operator logs in (the authUrl function), for links in notifications. */
  loginUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Fyers publishes the JSON master beside each CSV; `none` switches them off (the dated table applies). */
function jsonUrls(csvUrls: string[], explicit: string[] | undefined): string[] {
  if (explicit) return explicit.length === 1 && explicit[0]!.toLowerCase() === 'none' ? [] : explicit;
  return csvUrls.flatMap((u) => (/\.csv(\?.*)?$/i.test(u) ? [u.replace(/\.csv(\?.*)?$/i, '_sym_master.json$1')] : []));
}

/** Parses the environment once; throws ConfigError naming every variable at fault. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key];
    // An empty value (`KEY=` in a .env file) means "not set", so the default applies.
    if (value !== undefined && value.trim() !== '') picked[key] = value;
  }
  const parsed = v.safeParse(EnvSchema, picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.issues.map((i) => `${v.getDotPath(i) ?? '(env)'}: ${i.message}`));
  }
  const e = parsed.output;
  const onGcp = Boolean(e.K_SERVICE);
  const broker = e.BROKER ?? (e.FYERS_APP_ID ? 'fyers' : 'paper');
  const problems: string[] = [];

  const overrides: Record<string, number> = {};
  for (const pair of e.FREEZE_QTY_OVERRIDES) {
    const [name, qty] = pair.split('=');
    const n = Number(qty);
    if (!name || !Number.isInteger(n) || n <= 0) problems.push(`FREEZE_QTY_OVERRIDES: "${pair}" must look like NIFTY=1800`);
    else overrides[name.toUpperCase()] = n;
  }
  for (const d of e.MARKET_HOLIDAYS) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) problems.push(`MARKET_HOLIDAYS: "${d}" must be YYYY-MM-DD`);
  const [ws, we] = (e.TRADING_WINDOW?.split('-') ?? []) as [string?, string?];
  const tradingWindow = ws && we ? { startMin: minutes(ws), endMin: minutes(we) } : undefined;
  if (tradingWindow && tradingWindow.startMin >= tradingWindow.endMin) problems.push('TRADING_WINDOW: start must be before end');
  const squareOff = { atMin: 15 * 60 + 15, byStrategy: {} as Record<string, number> };
  for (const id of e.PAPER_STRATEGIES) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) problems.push(`PAPER_STRATEGIES: "${id}" is not a strategy id (1-64 letters, digits or _ . -)`);
  }
  for (const item of e.SQUARE_OFF_AT) {
    const m = /^(?:([A-Za-z0-9_.-]{1,64})=)?(\d{2}):(\d{2})$/.exec(item);
    if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) problems.push(`SQUARE_OFF_AT: "${item}" must look like 15:15 or strategy=14:50`);
    else if (m[1]) squareOff.byStrategy[m[1]] = Number(m[2]) * 60 + Number(m[3]);
    else squareOff.atMin = Number(m[2]) * 60 + Number(m[3]);
  }
  if (broker === 'fyers' && !e.FYERS_APP_ID) problems.push('FYERS_APP_ID: required when BROKER=fyers');
  // Orders against the bundled sample master are real orders against fictional contracts.
  if (broker === 'fyers' && !e.SYMBOL_MASTER_URLS?.length && !e.SYMBOL_MASTER_FILE && !e.SYMBOL_MASTER_BUCKET && !e.ALLOW_SAMPLE_MASTER) {
    problems.push('SYMBOL_MASTER_URLS: required when BROKER=fyers (or SYMBOL_MASTER_FILE / SYMBOL_MASTER_BUCKET); the bundled sample master lists fictional contracts');
  }
  const secrets = e.SECRETS ?? (onGcp ? 'secret-manager' : 'env');
  // A paper run falls back to a demo secret; real orders must never be that easy to trigger.
  if (broker === 'fyers' && secrets === 'env' && !e.WEBHOOK_SECRET) problems.push('WEBHOOK_SECRET: required when BROKER=fyers and secrets come from env');
  // With real money behind them, the two keys a stranger can present must be unguessable.
  if (broker === 'fyers') {
    const keys = [
      ['WEBHOOK_SECRET', e.WEBHOOK_SECRET],
      ['CONTROLS_KEY', e.CONTROLS_KEY],
      ['FYERS_POSTBACK_SECRET', e.FYERS_POSTBACK_SECRET],
      ['FYERS_POSTBACK_TOKEN', e.FYERS_POSTBACK_TOKEN],
    ] as const;
    for (const [name, value] of keys) {
      const problem = value === undefined ? undefined : weakSecretProblem(name, value);
      if (problem) problems.push(problem);
    }
    if (e.CONTROLS_KEY !== undefined && e.CONTROLS_KEY === e.WEBHOOK_SECRET) problems.push('CONTROLS_KEY: must differ from WEBHOOK_SECRET (every alert carries the webhook secret)');
    // The postback secret and URL token open the order lifecycle: knowing another key must not give them away.
    for (const [name, value] of keys.slice(2)) {
      const twin = keys.find(([other, v]) => other !== name && v !== undefined && v === value);
      if (value !== undefined && twin) problems.push(`${name}: must differ from ${twin[0]} (each key opens something different)`);
    }
  }
  const store = e.STORE ?? (onGcp ? 'firestore' : 'local');
  if (onGcp && store === 'local') problems.push('STORE: local is not allowed on Cloud Run (instances do not share a disk)');
  if (problems.length) throw new ConfigError(problems);

  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    onGcp,
    revision: e.K_REVISION,
    functionTarget: e.FUNCTION_TARGET,
    projectId: e.GOOGLE_CLOUD_PROJECT,
    broker,
    store,
    secrets,
    dataDir: e.DATA_DIR,
    firestoreDatabase: e.FIRESTORE_DATABASE,
    localSecrets: {
      webhookSecret: e.WEBHOOK_SECRET,
      controlsKey: e.CONTROLS_KEY,
      fyersAppSecret: e.FYERS_APP_SECRET,
      fyersAccessToken: e.FYERS_ACCESS_TOKEN,
      fyersPin: e.FYERS_PIN,
      fyersPostbackSecret: e.FYERS_POSTBACK_SECRET,
      fyersPostbackToken: e.FYERS_POSTBACK_TOKEN,
    },
    fyers: {
      appId: e.FYERS_APP_ID,
      redirectUrl: e.FYERS_REDIRECT_URL,
      apiUrl: e.FYERS_API_URL.replace(/\/+$/, ''),
      dataUrl: e.FYERS_DATA_URL.replace(/\/+$/, ''),
      timeoutMs: e.BROKER_TIMEOUT_MS,
      maxPerSecond: e.BROKER_MAX_PER_SECOND,
      maxPerMinute: e.BROKER_MAX_PER_MINUTE,
    },
    paperFillPrice: e.PAPER_FILL_PRICE,
    symbolMaster: {
      urls: e.SYMBOL_MASTER_URLS ?? [],
      jsonUrls: jsonUrls(e.SYMBOL_MASTER_URLS ?? [], e.SYMBOL_MASTER_JSON_URLS),
      file: e.SYMBOL_MASTER_FILE,
      bucket: e.SYMBOL_MASTER_BUCKET,
      object: e.SYMBOL_MASTER_OBJECT,
    },
    risk: {
      maxLots: e.MAX_LOTS,
      tradingWindow,
      // A paper run at night should still show orders; a real broker run should not trade outside hours.
      enforceTradingWindow: e.ENFORCE_TRADING_WINDOW ?? broker === 'fyers',
      holidays: e.MARKET_HOLIDAYS,
      coverOnlyBuy: e.COVER_ONLY_BUY,
      freezeQtyOverrides: overrides,
      protection: e.PROTECTION,
      limitPriceBandPercent: e.LIMIT_PRICE_BAND_PERCENT,
    },
    dedupWindowMs: e.DEDUP_WINDOW_SECONDS * 1000,
    idempotencyTtlMs: e.IDEMPOTENCY_TTL_HOURS * 3_600_000,
    idempotencyLeaseMs: e.IDEMPOTENCY_LEASE_SECONDS * 1000,
    allowedSourceIps: e.ALLOWED_SOURCE_IPS,
    controlsCacheMs: e.CONTROLS_CACHE_SECONDS * 1000,
    squareOff,
    dailyLossLimit: e.DAILY_LOSS_LIMIT,
    lossLimitFlatten: e.LOSS_LIMIT_FLATTEN,
    strategyRisk: parseStrategyRisk(e.STRATEGY_RISK),
    paperStrategies: e.PAPER_STRATEGIES.filter((x) => x.length > 0),
    notify: { topic: e.NOTIFY_TOPIC, webhookUrl: e.NOTIFY_WEBHOOK_URL },
    lifecycle: { orderEventsTopic: e.ORDER_EVENTS_TOPIC, unfilledAlertMs: e.UNFILLED_ALERT_SECONDS * 1000 },
    publicBaseUrl: e.PUBLIC_BASE_URL,
    loginUrl: e.LOGIN_URL ?? (e.PUBLIC_BASE_URL ? `${e.PUBLIC_BASE_URL.replace(/\/+$/, '')}/authUrl` : undefined),
  };
}
