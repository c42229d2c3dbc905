/** Operator switches that change behaviour without a deploy. Read by the webhook through a short cache. */
export interface RuntimeControls {
  /** Kill switch: when false, every alert is refused with 403 before anything else happens. */
  tradingEnabled: boolean;
  /** Overrides config MAX_LOTS when set. */
  maxLots?: number;
  /** Orders allowed per IST day across all instances; unset means no cap. */
  dailyOrderCap?: number;
  /** When true every alert is treated as intent=close (only reduces positions). */
  reduceOnly: boolean;
  /**
   * Per-strategy risk state for the IST day (STRATEGY_RISK): the best MTM seen once a profit lock is
   * armed, and the rule that stopped the strategy for the day. A state of an earlier day means nothing.
   */
  strategyDay?: Record<string, StrategyDayState>;
  /**
   * Where a strategy's alerts trade, set from the console: `paper` (the forward-test book, at live
   * prices) or `live` (the broker). Overrides PAPER_STRATEGIES for the ids it names.
   */
  strategyVenue?: Record<string, StrategyVenue>;
}

export type StrategyVenue = 'paper' | 'live';

export interface StrategyDayState {
  /** IST date (YYYY-MM-DD) the state belongs to. */
  day: string;
  peak?: number;
  stopped?: { rule: string; summary: string; at: number };
}

/**
 * A partial change, or one computed from the controls as they stand at the moment of the change (a
 * Firestore transaction may run it more than once, so it must only compute).
 */
export type ControlsPatch = Partial<RuntimeControls> | ((current: RuntimeControls) => Partial<RuntimeControls>);

export interface ControlsChange {
  actor: string;
  at: number;
  before: RuntimeControls;
  after: RuntimeControls;
}

export interface ControlsStore {
  get(): Promise<RuntimeControls>;
  /**
   * Applies a partial change and audits it (who, when, old, new). A function is given the controls as
   * they stand inside the update's own atomic step, so a change to one entry of a map (one strategy's
   * venue, one strategy's day) never writes back a stale copy of the others.
   */
  update(patch: ControlsPatch, actor: string, nowMs: number): Promise<ControlsChange>;
  history(limit?: number): Promise<ControlsChange[]>;
  /**
   * Atomically counts one order against the IST day's cap. Returns false (and counts nothing)
   * when the cap is already reached.
   */
  reserveDailyOrder(day: string, cap: number): Promise<boolean>;
  /** Gives a reserved slot back when it is certain the order was never sent (never below zero). */
  releaseDailyOrder(day: string): Promise<void>;
  /**
   * Pushes every change of the controls as it happens (Firestore: a real-time listener), starting with
   * the current value. `onError` means the stream has stopped. Returns the unsubscribe. Optional: a
   * store without it is read through the cache only.
   */
  watch?(onChange: (controls: RuntimeControls) => void, onError: (error: unknown) => void): () => void;
}

export const DEFAULT_CONTROLS: RuntimeControls = { tradingEnabled: true, reduceOnly: false };
