import { managedExitsEnabled } from '../../../functions/protection-seam';
import { parseConfig } from '../../../shared/config/config';

describe('managed exits seam', () => {
  it('is on only for PROTECTION=managed, read from the parsed config', () => {
    expect(managedExitsEnabled(parseConfig({ PROTECTION: 'managed' }))).toBe(true);
    expect(managedExitsEnabled(parseConfig({}))).toBe(false); // default legs
    for (const protection of ['legs', 'bracket', 'off'] as const) expect(managedExitsEnabled({ risk: { protection } })).toBe(false);
  });
});
