import { managedExitsEnabled } from '../../../functions/protection-seam';
import { parseConfig } from '../../../shared/config/config';

describe('managed exits seam', () => {
  it('is on for PROTECTION=managed and legs (an order whose legs Fyers refused falls back to them), off for off', () => {
    expect(managedExitsEnabled(parseConfig({ PROTECTION: 'managed' }))).toBe(true);
    expect(managedExitsEnabled(parseConfig({}))).toBe(true); // default legs
    expect(managedExitsEnabled({ risk: { protection: 'off' } })).toBe(false);
  });

  it('PROTECTION=bracket is refused, naming what replaces it', () => {
    expect(() => parseConfig({ PROTECTION: 'bracket' })).toThrow(/bracket is gone.*-1800.*legs/);
  });
});
