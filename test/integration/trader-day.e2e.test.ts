import { buildDeps } from '../../functions/composition';
import { parseConfig } from '../../shared/config/config';
import { silentLogger } from '../../shared/platform/logger';
import { IN_WINDOW, fakeFyersEnv, niftyOption, sampleContracts, startSampleFake, tempDataDir, tickingClock } from '../helpers/webhook-e2e-kit';
import { POSTBACK_SECRET, expectCleanDay, runTraderDay, wirePostbacks } from '../helpers/trader-day';

/** A trader's whole day on the local store and the fake Fyers: entry with SL → fill postback → exits → reversal → flat. */
jest.setTimeout(60_000);
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

it('a strategy day on the one order path: every step leaves exactly the orders it should, all recorded', async () => {
  const clock = tickingClock(IN_WINDOW);
  const fake = await startSampleFake(IN_WINDOW, { clock, optionLtps: { [CE.ticker]: 150, [PE.ticker]: 140 } });
  const data = tempDataDir('trader-day');
  const deps = await buildDeps(parseConfig(fakeFyersEnv(fake, { STORE: 'local', DATA_DIR: data.dir, PROTECTION: 'managed', FYERS_POSTBACK_SECRET: POSTBACK_SECRET })), { clock, logger: silentLogger });
  const postbacks = await wirePostbacks(fake, deps);
  try {
    expectCleanDay(await runTraderDay(fake, deps, CE.ticker, PE.ticker, 'local-day'), CE.ticker, PE.ticker);
  } finally {
    await postbacks.close();
    await deps.close();
    await fake.close();
    data.cleanup();
  }
});
