/** Routes the fake serves; faults target one of them or all ('*'). */
export type RouteName =
  | 'generate-authcode'
  | 'validate-authcode'
  | 'validate-refresh-token'
  | 'profile'
  | 'quotes'
  | 'positions'
  | 'orderbook'
  | 'tradebook'
  | 'place-order'
  | 'modify-order'
  | 'cancel-order'
  | 'multi-order'
  | 'funds'
  | 'attach-legs'
  | 'symbol-master';

/**
 * `phase: 'before'` (default) acts before the fake handles the request, so nothing is recorded;
 * `phase: 'after'` lets the request take effect first (an order is recorded) and then spoils the reply:
 * `{ kind: 'reset', phase: 'after' }` is "accepted but the response was lost".
 * With latency the request always takes effect, even if the client has given up meanwhile, as on a real server.
 */
export type Fault =
  | { kind: 'latency'; ms: number; phase?: 'before' | 'after' }
  | { kind: 'status'; status: number; body?: unknown; phase?: 'before' | 'after' }
  | { kind: 'reset'; phase?: 'before' | 'after' }
  /** HTTP 429 with Retry-After (seconds) and X-Retry-After-Ms; the body is Fyers JSON or empty (docs: not guaranteed). */
  | { kind: 'rate-limited'; retryAfterMs?: number; emptyBody?: boolean }
  /** place-order only: the order is recorded but the reply is Fyers code 201 (request sent, no acknowledgement). */
  | { kind: 'no-ack'; httpStatus?: number }
  /**
   * Freezes this whole process for `ms` (a busy loop, as a GC pause or a CPU-starved container would),
   * then serves the request normally. In-process tests run the bridge here too, so its timers and
   * sockets stall with it: calls it had already let go reach the fake late, together.
   */
  | { kind: 'stall'; ms: number }
  /** place-order only: a definite refusal by RMS/exchange, as Fyers reports it. */
  | { kind: 'reject'; code: number; message: string; httpStatus?: number };

export interface FaultRule {
  route: RouteName | '*';
  fault: Fault;
  /** How many more requests it applies to. */
  remaining: number;
}

/** Takes the first rule matching the route, consuming one use of it. */
export function takeFault(rules: FaultRule[], route: RouteName): Fault | undefined {
  const i = rules.findIndex((r) => (r.route === '*' || r.route === route) && r.remaining > 0);
  if (i < 0) return undefined;
  const rule = rules[i]!;
  rule.remaining -= 1;
  if (rule.remaining <= 0) rules.splice(i, 1);
  return rule.fault;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Blocks the event loop: nothing else in the process runs meanwhile. */
export function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}
