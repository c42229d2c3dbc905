import type { AppDeps } from '../../functions/composition';
import { startSampleBridge, type SampleBridge } from '../helpers/webhook-e2e-kit';

/**
 * What an instance reads before its first request. Each function runs under its own identity
 * (terraform/iam.tf): a postback instance may read the postback secrets and the store, not the webhook's
 * secret, and warms only those, so a cold instance's first fill is not the one paying for its channels.
 */
let bridge: SampleBridge;
let deps: AppDeps;
const asked: string[] = [];
const looked: string[] = [];

beforeEach(async () => {
  bridge = await startSampleBridge({ label: 'warm-up' });
  deps = bridge.deps;
  asked.length = 0;
  looked.length = 0;
  const secrets = deps.adapters.secrets;
  const get = secrets.get.bind(secrets);
  secrets.get = (name) => (asked.push(name), get(name));
  const records = deps.adapters.orderRecords;
  const read = records.get.bind(records);
  records.get = (id) => (looked.push(id), read(id));
});
afterEach(() => bridge.close());

it('a postback instance warms its secrets and its store channel, and reads nothing its identity may not', async () => {
  await deps.warmUp('orderUpdates');
  expect(asked.sort()).toEqual(['fyers-postback-secret', 'fyers-postback-token']);
  expect(looked).toEqual(['warm-up']);
});

it('a webhook instance warms the webhook secret (with the symbols and the controls), not the postback secrets', async () => {
  await deps.warmUp();
  expect(asked).toEqual(['webhook-secret']);
  expect(looked).toEqual([]);
});
