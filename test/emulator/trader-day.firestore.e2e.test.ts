import { buildDeps } from '../../functions/composition';
import { parseConfig } from '../../shared/config/config';
import { silentLogger } from '../../shared/platform/logger';
import { IN_WINDOW, fakeFyersEnv, niftyOption, sampleContracts, startSampleFake, tickingClock } from '../helpers/webhook-e2e-kit';
import { POSTBACK_SECRET, expectCleanDay, runTraderDay, wirePostbacks } from '../helpers/trader-day';
import { isolatedProject } from './helpers/e2e-project';

/** The same trader's day with every claim, record, event and holding in the real Firestore emulator. */
jest.setTimeout(120_000);
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

it('a strategy day on Firestore: entry with SL → fill postback → exits → reversal → flat', async () => {
  const clock = tickingClock(IN_WINDOW);
  const fake = await startSampleFake(IN_WINDOW, { clock, optionLtps: { [CE.ticker]: 150, [PE.ticker]: 140 } });
  const config = parseConfig(fakeFyersEnv(fake, { STORE: 'firestore', GOOGLE_CLOUD_PROJECT: isolatedProject('trader-day'), PROTECTION: 'managed', FYERS_POSTBACK_SECRET: POSTBACK_SECRET }));
  const deps = await buildDeps(config, { clock, logger: silentLogger });
  await deps.warmUp();
  const postbacks = await wirePostbacks(fake, deps);
  try {
    expectCleanDay(await runTraderDay(fake, deps, CE.ticker, PE.ticker, 'fs-day'), CE.ticker, PE.ticker);
  } finally {
    await postbacks.close();
    await deps.close();
    await fake.close();
  }
});
