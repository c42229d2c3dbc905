import { IN_WINDOW, niftyOption, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { SHADOW_STRATEGY, expectCleanDay, expectCleanPaperDay, runTraderDay } from '../helpers/trader-day';

/** A trader's whole day on the local store and the fake Fyers: entry with SL → fill postback → exits → reversal → flat. */
jest.setTimeout(60_000);
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

it('a strategy day on the one order path: every step leaves exactly the orders it should, all recorded', async () => {
  const { fake, deps, close } = await startSampleBridge({ label: 'trader-day', optionLtps: { [CE.ticker]: 150, [PE.ticker]: 140 }, env: { PROTECTION: 'managed', PAPER_STRATEGIES: SHADOW_STRATEGY }, postbacks: true });
  try {
    const day = await runTraderDay(fake, deps, CE.ticker, PE.ticker, 'local-day', { shadow: true });
    expectCleanDay(day, CE.ticker, PE.ticker);
    expectCleanPaperDay(day, CE.ticker, PE.ticker);
  } finally {
    await close();
  }
});
