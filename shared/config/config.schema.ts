import * as v from 'valibot';

/**
 * Every environment variable the product reads, validated once at start-up.
 * Defaults are the embedded default: paper broker, local store, bundled symbol master.
 * `.env.example` documents each key; keep the two in step.
 */
const int = (min: number, max: number) =>
  v.pipe(v.string(), v.trim(), v.regex(/^-?\d+$/, 'must be a whole number'), v.transform(Number), v.number(), v.minValue(min), v.maxValue(max));
/** A rate that may be fractional (0.25 = one call per 4 s) and may be 0 (no share: no calls at all). */
const rate = (max: number) =>
  v.pipe(v.string(), v.trim(), v.regex(/^\d+(\.\d+)?$/, 'must be a number such as 4 or 0.25'), v.transform(Number), v.number(), v.minValue(0), v.maxValue(max));
const bool = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.picklist(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false'),
  v.transform((s) => s === 'true' || s === '1' || s === 'yes'),
);
const list = v.pipe(
  v.string(),
  v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
);
const url = v.pipe(v.string(), v.trim(), v.url('must be a URL'));
const optionalText = v.optional(v.pipe(v.string(), v.trim(), v.transform((s) => (s === '' ? undefined : s))));
const hhmmRange = v.pipe(v.string(), v.trim(), v.regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'must look like 09:15-15:30'));

export const EnvSchema = v.object({
  PORT: v.optional(int(1, 65535), '8080'),
  LOG_LEVEL: v.optional(v.picklist(['DEBUG', 'INFO', 'WARNING', 'ERROR']), 'INFO'),
  /** Set by Cloud Run; its presence is how we know we are in the cloud. */
  K_SERVICE: optionalText,
  /** Set by Cloud Run: the revision serving, and the function this instance runs. */
  K_REVISION: optionalText,
  FUNCTION_TARGET: optionalText,
  GOOGLE_CLOUD_PROJECT: optionalText,

  BROKER: v.optional(v.picklist(['paper', 'fyers'], 'must be paper or fyers')),
  STORE: v.optional(v.picklist(['local', 'firestore'], 'must be local or firestore')),
  SECRETS: v.optional(v.picklist(['env', 'secret-manager'], 'must be env or secret-manager')),
  DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './.data'),
  FIRESTORE_DATABASE: v.optional(v.pipe(v.string(), v.minLength(1)), '(default)'),

  WEBHOOK_SECRET: optionalText,
  CONTROLS_KEY: optionalText,
  FYERS_APP_ID: optionalText,
  FYERS_APP_SECRET: optionalText,
  FYERS_ACCESS_TOKEN: optionalText,
  FYERS_PIN: optionalText,
  FYERS_REDIRECT_URL: v.optional(url),
  FYERS_API_URL: v.optional(url, 'https://api-t1.fyers.in/api/v3'),
  FYERS_DATA_URL: v.optional(url, 'https://api-t1.fyers.in/data'),
  BROKER_TIMEOUT_MS: v.optional(int(100, 2800), '2000'),
  /**
   * This instance's share of Fyers' 10/s and 200/min per-app limits. Terraform gives each function its
   * own share (terraform/functions.tf, broker_share) divided over its instances; 0 = no Fyers calls.
   * The defaults suit one local process, which is the only caller.
   */
  BROKER_MAX_PER_SECOND: v.optional(rate(10), '8'),
  BROKER_MAX_PER_MINUTE: v.optional(rate(200), '180'),
  PAPER_FILL_PRICE: v.optional(v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0.05))),

  SYMBOL_MASTER_URLS: v.optional(list),
  /** JSON masters for freeze quantities; default: each CSV URL's `_sym_master.json`; `none` turns them off. */
  SYMBOL_MASTER_JSON_URLS: v.optional(list),
  SYMBOL_MASTER_FILE: optionalText,
  /** Test and demo runs against a fake Fyers only: lets BROKER=fyers trade the bundled sample master. */
  ALLOW_SAMPLE_MASTER: v.optional(bool, 'false'),
  SYMBOL_MASTER_BUCKET: optionalText,
  SYMBOL_MASTER_OBJECT: v.optional(v.pipe(v.string(), v.minLength(1)), 'symbol-master/index.json'),

  MAX_LOTS: v.optional(int(1, 10000), '10'),
  DEDUP_WINDOW_SECONDS: v.optional(int(1, 86400), '120'),
  IDEMPOTENCY_TTL_HOURS: v.optional(int(1, 24 * 30), '24'),
  IDEMPOTENCY_LEASE_SECONDS: v.optional(int(5, 600), '30'),
  /** Optional narrowing of each exchange's session (which comes from the symbol master). */
  TRADING_WINDOW: v.optional(hhmmRange),
  ENFORCE_TRADING_WINDOW: v.optional(bool),
  MARKET_HOLIDAYS: v.optional(list, ''),
  COVER_ONLY_BUY: v.optional(bool, 'false'),
  FREEZE_QTY_OVERRIDES: v.optional(list, ''),
  ALLOWED_SOURCE_IPS: v.optional(list, ''),
  /** Where sl/tp go: Fyers TP/SL legs, the bridge's own exits, or nowhere. `bracket` (CO/BO) went with Fyers' -1800. */
  PROTECTION: v.optional(
    v.pipe(
      v.string(),
      v.check((x) => x.trim().toLowerCase() !== 'bracket', 'bracket is gone: Fyers retired CO and BO (code -1800); use legs (TP/SL legs on the order) or managed (the bridge\'s own exits)'),
      v.picklist(['legs', 'managed', 'off'], 'must be legs, managed or off'),
    ),
    'legs',
  ),
  /** A LIMIT price further than this from the option's LTP is refused as a likely wrong price. */
  LIMIT_PRICE_BAND_PERCENT: v.optional(int(1, 100), '20'),
  CONTROLS_CACHE_SECONDS: v.optional(int(0, 300), '5'),
  /** When INTRADAY holdings are flattened (IST): `15:15`, or per strategy `15:15,scalper=14:50`. */
  SQUARE_OFF_AT: v.optional(list, '15:15'),
  /** Rupees of today's loss (realised + unrealised) at which trading stops. */
  DAILY_LOSS_LIMIT: v.optional(int(1, 1_000_000_000)),
  /** Per-strategy risk rules in rupees, JSON: {"<id>": {"stop":3000,"target":5000,"lockAfter":4000,"lockGiveBack":1500,"dailyTarget":8000}}. */
  STRATEGY_RISK: optionalText,
  /** Strategy ids that trade on paper beside the live ones (a forward test): `scalper,straddle2`. The console can switch one either way. */
  PAPER_STRATEGIES: v.optional(list, ''),
  /** At the loss limit, also flatten every strategy holding (not only switch trading off). */
  LOSS_LIMIT_FLATTEN: v.optional(bool, 'true'),

  FYERS_POSTBACK_SECRET: optionalText,
  FYERS_POSTBACK_TOKEN: optionalText,
  /** Pub/Sub topic for order events (the lifecycle's output); without it events are only logged. */
  ORDER_EVENTS_TOPIC: optionalText,
  /** A market order still unfilled this long after acceptance is reported. */
  UNFILLED_ALERT_SECONDS: v.optional(int(5, 3600), '60'),
  NOTIFY_TOPIC: optionalText,
  NOTIFY_WEBHOOK_URL: v.optional(url),
  PUBLIC_BASE_URL: v.optional(url),
  /** The login page linked in notifications; defaults to PUBLIC_BASE_URL/authUrl (the local one-port layout). */
  LOGIN_URL: v.optional(url),
});

export type Env = v.InferOutput<typeof EnvSchema>;
