import type { Clock } from '../platform/clock';
import type { Notifier } from './notifier.port';

/** One alert the service refused (400/403/422): nothing was sent, and TradingView never shows the trader why. */
export interface Refusal {
  at: number;
  requestId: string;
  httpStatus: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
  symbol?: string;
  /**
   * Already told at once on its own (a broker rejection after an acknowledgement is critical): counted in
   * the window's summary with the other refusals, never announced a second time.
   */
  told?: boolean;
}

export interface RefusalDigest {
  /** Never throws, like the notifier it feeds. */
  record(r: Refusal): Promise<void>;
  /** Sends what the open window has gathered (at the window's end, or when the instance shuts down). */
  flush(): Promise<void>;
}

export interface RefusalDigestOptions {
  clock: Clock;
  notifier: Notifier;
  /** One digest per window: the first refusal is told at once, the rest summed up when the window ends. */
  windowMs: number;
  /** Arms the end-of-window flush; a no-op scheduler leaves it to the next refusal or to shutdown. */
  schedule?: (run: () => void, ms: number) => void;
}

const MAX_GROUPS_SHOWN = 3;

/** What a refusal is "about", so twenty refusals of the same broken field read as one line. */
function groupsOf(r: Refusal): Array<{ key: string; text: string }> {
  if (r.fields && Object.keys(r.fields).length > 0) return Object.entries(r.fields).map(([f, why]) => ({ key: `field:${f}`, text: `field '${f}' (${why})` }));
  return [{ key: `code:${r.code}`, text: r.message }];
}

function describe(r: Refusal): string {
  return groupsOf(r)
    .map((g) => g.text)
    .join('; ');
}

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

/**
 * The one owner of how refusals reach the operator: grouped and rate-limited, so a strategy firing a
 * broken alert every minute produces one message now and one summary per window, not a flood.
 * Per instance: a second instance has its own window, which at worst doubles the messages.
 */
export function createRefusalDigest(o: RefusalDigestOptions): RefusalDigest {
  const schedule = o.schedule ?? ((run, ms) => void setTimeout(run, ms).unref());
  let windowStart: number | undefined;
  /** Every refusal of the open window; the last `untold` of them have not been reported yet. */
  let inWindow: Refusal[] = [];
  let untold = 0;
  let armed = false;

  const summarise = async () => {
    if (untold === 0 || windowStart === undefined) return;
    const all = inWindow;
    untold = 0;
    const counts = new Map<string, { text: string; n: number }>();
    for (const r of all) for (const g of groupsOf(r)) counts.set(g.key, { text: g.text, n: (counts.get(g.key)?.n ?? 0) + 1 });
    const groups = [...counts.values()].sort((a, b) => b.n - a.n);
    const shown = groups.slice(0, MAX_GROUPS_SHOWN).map((g) => `${g.text} ×${g.n}`);
    const more = groups.length > MAX_GROUPS_SHOWN ? `, and ${groups.length - MAX_GROUPS_SHOWN} more reasons` : '';
    const span = Math.max(o.windowMs, all[all.length - 1]!.at - windowStart);
    await o.notifier.notify({
      kind: 'alert.refused',
      severity: 'warning',
      summary: `${all.length} ${all.some((r) => r.told) ? 'refusals (alerts and broker rejections)' : 'alerts refused'} in ${minutes(span)} min: ${shown.join(', ')}${more}`,
      at: o.clock(),
      requestId: all[all.length - 1]!.requestId,
      details: { count: all.length, since: windowStart, groups: groups.map((g) => ({ reason: g.text, count: g.n })), requestIds: all.slice(-10).map((r) => r.requestId) },
    });
  };

  return {
    async record(r) {
      try {
        const now = o.clock();
        if (r.told && (windowStart === undefined || now - windowStart >= o.windowMs)) {
          // Opens a window without a message of its own: its own critical notice went out already.
          await summarise();
          windowStart = now;
          inWindow = [r];
          return;
        }
        if (windowStart === undefined || now - windowStart >= o.windowMs) {
          await summarise();
          windowStart = now;
          inWindow = [r];
          await o.notifier.notify({
            kind: 'alert.refused',
            severity: 'warning',
            summary: `Alert refused (${r.httpStatus})${r.symbol ? ` for ${r.symbol}` : ''}: ${describe(r)}. Nothing was sent; further refusals in the next ${minutes(o.windowMs)} min come as one summary.`,
            at: now,
            requestId: r.requestId,
            details: { httpStatus: r.httpStatus, code: r.code, fields: r.fields },
          });
          return;
        }
        inWindow.push(r);
        untold += 1;
        if (!armed) {
          armed = true;
          schedule(() => {
            armed = false;
            void summarise().catch(() => undefined);
          }, windowStart + o.windowMs - now);
        }
      } catch {
        // The port promises never to throw; a refusal's answer must not depend on its notification.
      }
    },
    flush: () => summarise().catch(() => undefined),
  };
}
