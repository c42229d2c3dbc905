import { ConfigError, parseConfig } from '../../shared/config/config';

describe('parseConfig', () => {
  it('gives the embedded default with an empty environment', () => {
    const c = parseConfig({});
    expect(c.broker).toBe('paper');
    expect(c.store).toBe('local');
    expect(c.secrets).toBe('env');
    expect(c.port).toBe(8080);
    expect(c.dedupWindowMs).toBe(120_000);
    // No narrowing by default: each exchange's session comes from the symbol master.
    expect(c.risk.tradingWindow).toBeUndefined();
    expect(c.risk.enforceTradingWindow).toBe(false);
    expect(c.fyers.apiUrl).toBe('https://api-t1.fyers.in/api/v3');
  });

  it('chooses fyers, firestore and Secret Manager on Cloud Run with an app id', () => {
    const c = parseConfig({ K_SERVICE: 'webhook', FYERS_APP_ID: 'ABC-100', SYMBOL_MASTER_BUCKET: 'symbols' });
    expect(c).toMatchObject({ broker: 'fyers', store: 'firestore', secrets: 'secret-manager', onGcp: true });
    expect(c.risk.enforceTradingWindow).toBe(true);
  });

  it('names every variable at fault', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'abc', BROKER: 'zerodha', MAX_LOTS: '0', COVER_ONLY_BUY: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = String((error as Error).message);
    for (const name of ['PORT', 'BROKER', 'MAX_LOTS', 'COVER_ONLY_BUY']) expect(text).toContain(name);
  });

  it('refuses a local store on Cloud Run and fyers without an app id', () => {
    expect(() => parseConfig({ K_SERVICE: 'x', STORE: 'local' })).toThrow(/STORE/);
    expect(() => parseConfig({ BROKER: 'fyers' })).toThrow(/FYERS_APP_ID/);
  });

  it('BROKER=fyers refuses the bundled sample master: real orders against fictional contracts', () => {
    const fyers = { BROKER: 'fyers', FYERS_APP_ID: 'APP-100', WEBHOOK_SECRET: 'b7f3c91e0a2d4f6b8c1e3a5d7f9b0c2e4a6d8f1b3c5e7a9d', CONTROLS_KEY: 'Q2x9-vT7pLm4_Rz8KwYs3NbH6jFd1GcE' };
    expect(() => parseConfig(fyers)).toThrow(/SYMBOL_MASTER_URLS: required when BROKER=fyers .*fictional contracts/);
    expect(parseConfig({ ...fyers, SYMBOL_MASTER_URLS: 'https://public.fyers.in/sym_details/NSE_FO.csv' }).symbolMaster.jsonUrls).toEqual([
      'https://public.fyers.in/sym_details/NSE_FO_sym_master.json',
    ]);
    expect(parseConfig({ ...fyers, SYMBOL_MASTER_FILE: './NSE_FO.csv' }).broker).toBe('fyers');
    expect(parseConfig({ ...fyers, SYMBOL_MASTER_URLS: 'https://x/NSE_FO.csv', SYMBOL_MASTER_JSON_URLS: 'none' }).symbolMaster.jsonUrls).toEqual([]);
    expect(parseConfig({ BROKER: 'paper' }).symbolMaster.urls).toEqual([]);
  });

  it('BROKER=fyers refuses a weak postback secret or token, and one equal to the webhook secret or operator key, at start (issue 19)', () => {
    const fyers = { BROKER: 'fyers', FYERS_APP_ID: 'APP-100', SYMBOL_MASTER_FILE: './NSE_FO.csv', WEBHOOK_SECRET: 'b7f3c91e0a2d4f6b8c1e3a5d7f9b0c2e4a6d8f1b3c5e7a9d', CONTROLS_KEY: 'Q2x9-vT7pLm4_Rz8KwYs3NbH6jFd1GcE' };
    expect(() => parseConfig({ ...fyers, FYERS_POSTBACK_SECRET: 'q9' })).toThrow(/FYERS_POSTBACK_SECRET: too easy to guess/);
    expect(() => parseConfig({ ...fyers, FYERS_POSTBACK_TOKEN: 'abc123' })).toThrow(/FYERS_POSTBACK_TOKEN: too easy to guess/);
    expect(() => parseConfig({ ...fyers, FYERS_POSTBACK_SECRET: fyers.WEBHOOK_SECRET })).toThrow(/FYERS_POSTBACK_SECRET: must differ from WEBHOOK_SECRET/);
    expect(() => parseConfig({ ...fyers, FYERS_POSTBACK_TOKEN: fyers.CONTROLS_KEY })).toThrow(/FYERS_POSTBACK_TOKEN: must differ from CONTROLS_KEY/);
    const ok = parseConfig({ ...fyers, FYERS_POSTBACK_SECRET: 'e1d9c7b5a3f2e0d8c6b4a2f0e9d7c5b3', FYERS_POSTBACK_TOKEN: 'Zk4-rP8qW2xN6tY0vB3mC7jH5gF1dS9a' });
    expect(ok.localSecrets).toMatchObject({ fyersPostbackToken: 'Zk4-rP8qW2xN6tY0vB3mC7jH5gF1dS9a' });
  });

  it('parses freeze overrides and rejects malformed ones', () => {
    expect(parseConfig({ FREEZE_QTY_OVERRIDES: 'nifty=1755, SENSEX=1000' }).risk.freezeQtyOverrides).toEqual({ NIFTY: 1755, SENSEX: 1000 });
    expect(() => parseConfig({ FREEZE_QTY_OVERRIDES: 'NIFTY' })).toThrow(/FREEZE_QTY_OVERRIDES/);
  });
});

describe('strategy risk settings', () => {
  it('reads SQUARE_OFF_AT as a global time with per-strategy overrides, and the loss limit', () => {
    const c = parseConfig({ SQUARE_OFF_AT: '15:10,scalper=14:50', DAILY_LOSS_LIMIT: '5000', LOSS_LIMIT_FLATTEN: 'false' });
    expect(c.squareOff).toEqual({ atMin: 15 * 60 + 10, byStrategy: { scalper: 14 * 60 + 50 } });
    expect(c.dailyLossLimit).toBe(5000);
    expect(c.lossLimitFlatten).toBe(false);
    expect(parseConfig({}).squareOff).toEqual({ atMin: 15 * 60 + 15, byStrategy: {} });
    expect(parseConfig({}).dailyLossLimit).toBeUndefined();
  });

  it('names SQUARE_OFF_AT when a time is malformed', () => {
    expect(() => parseConfig({ SQUARE_OFF_AT: '3pm' })).toThrow(/SQUARE_OFF_AT: "3pm"/);
    expect(() => parseConfig({ SQUARE_OFF_AT: 'x=25:00' })).toThrow(/SQUARE_OFF_AT/);
  });
});
