import { IN_WINDOW, niftyOption, publishedSampleIndex, sampleContracts, startSampleBridge } from '../helpers/webhook-e2e-kit';
import { SHADOW_STRATEGY, expectCleanDay, expectCleanPaperDay, runTraderDay } from '../helpers/trader-day';
import { isolatedProject } from './helpers/e2e-project';

/**
 * The same trader's day with every claim, record, event and holding in the real Firestore emulator,
 * and the contracts read from the stored index as a deployed instance reads them.
 */
jest.setTimeout(120_000);
const { index } = sampleContracts(IN_WINDOW);
const CE = niftyOption(index, IN_WINDOW, 24500, 'CE');
const PE = niftyOption(index, IN_WINDOW, 24500, 'PE');

it('a strategy day on Firestore: entry with SL → fill postback → exits → reversal → flat', async () => {
  const { fake, deps, close } = await startSampleBridge({
    label: 'trader-day',
    store: 'firestore',
    projectId: isolatedProject('trader-day'),
    optionLtps: { [CE.ticker]: 150, [PE.ticker]: 140 },
    env: { PROTECTION: 'managed', PAPER_STRATEGIES: SHADOW_STRATEGY },
    warmUp: true,
    postbacks: true,
    overrides: publishedSampleIndex(IN_WINDOW),
  });
  try {
    const day = await runTraderDay(fake, deps, CE.ticker, PE.ticker, 'fs-day', { shadow: true });
    expect((await deps.adapters.symbols()).meta?.source).toMatch(/^blob symbol-master\/index\.json/);
    expectCleanDay(day, CE.ticker, PE.ticker);
    expectCleanPaperDay(day, CE.ticker, PE.ticker);
  } finally {
    await close();
  }
});
