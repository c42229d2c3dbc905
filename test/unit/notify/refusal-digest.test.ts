import { manualClock } from '../../../shared/platform/clock';
import type { Notification } from '../../../shared/notify/notifier.port';
import { createRefusalDigest, type Refusal } from '../../../shared/notify/refusal-digest';

const T0 = Date.UTC(2026, 10, 24, 5, 0);
const MIN = 60_000;

function setup() {
  const clock = manualClock(T0);
  const sent: Notification[] = [];
  const timers: Array<{ run: () => void; at: number }> = [];
  const digest = createRefusalDigest({
    clock,
    windowMs: 10 * MIN,
    notifier: { notify: async (n) => void sent.push(n) },
    schedule: (run, ms) => void timers.push({ run, at: clock() + ms }),
  });
  let seq = 0;
  const refusal = (over: Partial<Refusal> = {}): Refusal => ({
    at: clock(),
    requestId: `r${++seq}`,
    httpStatus: 400,
    code: 'ALERT_INVALID',
    message: 'The alert is invalid',
    fields: { strikeprice: "must be a number or ATM, ATM+n, ATM-n" },
    ...over,
  });
  /** Moves the clock and fires the timers that are due, as the event loop would. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    const due = timers.filter((t) => t.at <= clock());
    for (const t of due) {
      timers.splice(timers.indexOf(t), 1);
      t.run();
    }
    await new Promise((r) => setImmediate(r));
  };
  return { clock, sent, digest, refusal, advance, timers };
}

describe('refusal digest', () => {
  it('tells the first refusal at once, naming the field and why', async () => {
    const { sent, digest, refusal } = setup();
    await digest.record(refusal({ symbol: 'NIFTY' }));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.kind).toBe('alert.refused');
    expect(sent[0]!.summary).toBe(
      "Alert refused (400) for NIFTY: field 'strikeprice' (must be a number or ATM, ATM+n, ATM-n). Nothing was sent; further refusals in the next 10 min come as one summary.",
    );
    expect(sent[0]!.details).toMatchObject({ fields: { strikeprice: expect.any(String) } });
  });

  it('sums up the rest of the window in one message at its end', async () => {
    const { sent, digest, refusal, advance } = setup();
    await digest.record(refusal());
    for (let i = 0; i < 3; i++) {
      await advance(MIN);
      await digest.record(refusal());
    }
    await advance(MIN);
    await digest.record(refusal({ httpStatus: 403, code: 'TRADING_DISABLED', message: 'Trading is disabled by the kill switch', fields: undefined }));
    expect(sent).toHaveLength(1);

    await advance(6 * MIN);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.summary).toBe(
      "5 alerts refused in 10 min: field 'strikeprice' (must be a number or ATM, ATM+n, ATM-n) ×4, Trading is disabled by the kill switch ×1",
    );
    expect(sent[1]!.details).toMatchObject({ count: 5, requestIds: ['r1', 'r2', 'r3', 'r4', 'r5'] });
  });

  it('sends nothing more when the window had a single refusal, and starts afresh after it', async () => {
    const { sent, digest, refusal, advance } = setup();
    await digest.record(refusal());
    await advance(11 * MIN);
    expect(sent).toHaveLength(1);
    await digest.record(refusal());
    expect(sent).toHaveLength(2);
    expect(sent[1]!.summary).toMatch(/^Alert refused/);
  });

  it('sums up a window whose timer never ran (a throttled instance) before telling the next refusal', async () => {
    const { sent, digest, refusal, clock, timers } = setup();
    await digest.record(refusal());
    clock.advance(MIN);
    await digest.record(refusal());
    timers.length = 0; // the timer is lost
    clock.advance(20 * MIN);
    await digest.record(refusal());
    expect(sent.map((n) => n.summary.split(':')[0])).toEqual(['Alert refused (400)', '2 alerts refused in 10 min', 'Alert refused (400)']);
  });

  it('flush sends what is pending at once (shutdown) and only once', async () => {
    const { sent, digest, refusal, advance } = setup();
    await digest.record(refusal());
    await advance(MIN);
    await digest.record(refusal());
    await digest.flush();
    await digest.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.details).toMatchObject({ count: 2 });
  });

  it('lists at most three reasons and says how many more there were', async () => {
    const { sent, digest, refusal } = setup();
    await digest.record(refusal());
    for (const f of ['a', 'b', 'c', 'd']) await digest.record(refusal({ fields: { [f]: 'bad' } }));
    await digest.flush();
    expect(sent[1]!.summary).toMatch(/, and 2 more reasons$/);
  });

  it('never throws when the notifier does', async () => {
    const digest = createRefusalDigest({ clock: () => T0, windowMs: MIN, notifier: { notify: async () => Promise.reject(new Error('down')) } });
    await expect(digest.record({ at: T0, requestId: 'x', httpStatus: 400, code: 'C', message: 'm' })).resolves.toBeUndefined();
  });
});

describe('refusal digest: a broker rejection after acceptance', () => {
  it('is not announced a second time (its own critical notice went out), and is summed up with the alert refusals of its window', async () => {
    const { sent, digest, refusal, advance } = setup();
    await digest.record(refusal({ httpStatus: 0, code: 'REJECTED_AFTER_ACK', message: 'RMS:Margin Shortfall (rejected after acceptance)', fields: undefined, told: true }));
    expect(sent).toEqual([]);
    await digest.record(refusal());
    await advance(10 * MIN);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.summary).toMatch(/^2 refusals \(alerts and broker rejections\) in 10 min: .*RMS:Margin Shortfall \(rejected after acceptance\) ×1/);
  });
});
