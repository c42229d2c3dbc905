import { buildDeps, setDepsForTests, type AppDeps } from '../../functions/composition';
import { parseConfig } from '../../shared/config/config';
import { silentLogger } from '../../shared/platform/logger';
import type { FakeFyers } from '../fake-fyers';
import { IN_WINDOW, WEBHOOK_SECRET, fakeFyersEnv, niftyOption, sampleContracts, startSampleFake, tempDataDir, tickingClock } from '../helpers/webhook-e2e-kit';
import { postAlert } from '../helpers/webhook-client';
import { useWebhookServer } from '../helpers/webhook-test-server';

/**
 * Strategy alerts end to end: the webhook as Cloud Run serves it, the real composition root, the local
 * store, and the fake Fyers. Each case checks the reply, every order Fyers received, the broker's
 * positions afterwards and the bridge's own book.
 */
jest.setTimeout(30_000);

const { index } = sampleContracts(IN_WINDOW);
// Spot 24512.3 on a 50-point grid: ATM is 24500.
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

const server = useWebhookServer();
let fake: FakeFyers;
let deps: AppDeps;

async function start(env: Record<string, string> = {}): Promise<void> {
  const clock = tickingClock(IN_WINDOW);
  fake = await startSampleFake(IN_WINDOW, { clock });
  server.onCleanup(() => fake.close());
  const data = tempDataDir('strategy');
  server.onCleanup(data.cleanup);
  deps = await buildDeps(parseConfig(fakeFyersEnv(fake, { STORE: 'local', DATA_DIR: data.dir, ...env })), { clock, logger: silentLogger });
  server.onCleanup(() => deps.close());
  setDepsForTests(deps);
}

const post = (body: Record<string, unknown>) => postAlert(server.url(), { token: WEBHOOK_SECRET, symbol: 'NIFTY', ...body });
/** What Fyers received, as `SIDE ticker qty`, in order. */
const sent = () => fake.state.orders.map((o) => `${o.side === 1 ? 'BUY' : 'SELL'} ${o.symbol} ${o.qty}`);
const netOf = (ticker: string) => [...fake.state.positions.values()].filter((p) => p.symbol === ticker).reduce((s, p) => s + p.netQty, 0);
const book = async (strategy: string) => (await deps.adapters.holdings.get(strategy, 'NIFTY'))?.legs ?? [];

describe('position mode: long -> short -> flat', () => {
  it('places exactly the orders each transition needs and leaves the expected holdings', async () => {
    await start();

    const long = await post({ strategy: 'trend', position: 'long', qty: 1, idempotency_key: 'pm-1' });
    expect(long.status).toBe(200);
    expect(long.body).toMatchObject({ status: 'placed', strategy: 'trend', position: 'long' });
    expect(sent()).toEqual([`BUY ${CE.ticker} 65`]);
    expect(await book('trend')).toEqual([expect.objectContaining({ ticker: CE.ticker, side: 'BUY', qty: 65, optionType: 'CE' })]);

    // Short: sell the call we hold (reduce-only), then buy a put. Never a written call.
    const short = await post({ strategy: 'trend', position: 'short', qty: 1, idempotency_key: 'pm-2' });
    expect(short.status).toBe(200);
    expect(sent()).toEqual([`BUY ${CE.ticker} 65`, `SELL ${CE.ticker} 65`, `BUY ${PE.ticker} 65`]);
    expect((short.body.legs as Array<Record<string, unknown>>).map((l) => `${l.role} ${l.side} ${l.symbol} ${l.status}`)).toEqual([
      `close SELL ${CE.ticker} filled`,
      `open BUY ${PE.ticker} filled`,
    ]);
    expect(netOf(CE.ticker)).toBe(0);
    expect(netOf(PE.ticker)).toBe(65);
    expect(await book('trend')).toEqual([expect.objectContaining({ ticker: PE.ticker, side: 'BUY', qty: 65 })]);

    // Short again (a new signal, not a resend): already there, so nothing is sent.
    const again = await post({ strategy: 'trend', position: 'short', qty: 1, idempotency_key: 'pm-3' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'placed', legs: [] });
    expect(fake.state.orders).toHaveLength(3);

    const flat = await post({ strategy: 'trend', position: 'flat', idempotency_key: 'pm-4' });
    expect(flat.status).toBe(200);
    expect(sent().slice(3)).toEqual([`SELL ${PE.ticker} 65`]);
    expect(netOf(PE.ticker)).toBe(0);
    expect(await book('trend')).toEqual([]);
  });

  it('keeps strategies apart and never closes more than the broker holds', async () => {
    await start();
    await post({ strategy: 'a', position: 'long', qty: 2, idempotency_key: 'ab-1' });
    await post({ strategy: 'b', position: 'long', qty: 1, idempotency_key: 'ab-2' });
    expect(netOf(CE.ticker)).toBe(195);
    // Someone exits part of it by hand at the broker: 65 left in all.
    fake.setPosition(CE.ticker, 'INTRADAY', 65);
    const flatA = await post({ strategy: 'a', position: 'flat', idempotency_key: 'ab-3' });
    expect(flatA.status).toBe(200);
    expect(sent().slice(2)).toEqual([`SELL ${CE.ticker} 65`]);
    expect(netOf(CE.ticker)).toBe(0);
    expect(flatA.body.reason).toMatch(/trimmed to the broker's positions/);
  });

  it('writes an option only when the mapping says SELL', async () => {
    await start();
    const res = await post({ strategy: 'writer', position: 'short', mapping: { short: 'SELL CE' }, idempotency_key: 'w-1' });
    expect(res.status).toBe(200);
    expect(sent()).toEqual([`SELL ${CE.ticker} 65`]);
    expect(await book('writer')).toEqual([expect.objectContaining({ side: 'SELL', optionType: 'CE' })]);
  });

  it('refuses a strategy alert without a strategy id, naming the field, and sends nothing', async () => {
    await start();
    const res = await post({ position: 'long' });
    expect(res.status).toBe(400);
    expect(res.body.error?.fields).toHaveProperty('strategy');
    expect(fake.state.orders).toHaveLength(0);
  });
});
