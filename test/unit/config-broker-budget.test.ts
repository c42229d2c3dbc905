import { parseConfig } from '../../shared/config/config';

describe('broker budget variables', () => {
  it('default to the whole headroom budget, for one local process', () => {
    expect(parseConfig({}).fyers).toMatchObject({ maxPerSecond: 8, maxPerMinute: 180 });
  });

  it('take the fractional per-instance shares Terraform writes', () => {
    expect(parseConfig({ BROKER_MAX_PER_SECOND: '0.25', BROKER_MAX_PER_MINUTE: '2.666' }).fyers).toMatchObject({ maxPerSecond: 0.25, maxPerMinute: 2.666 });
  });

  it('take 0: a function with no share makes no Fyers calls', () => {
    expect(parseConfig({ BROKER_MAX_PER_SECOND: '0', BROKER_MAX_PER_MINUTE: '0' }).fyers).toMatchObject({ maxPerSecond: 0, maxPerMinute: 0 });
  });

  it("refuse anything above Fyers' own limits, negatives and words", () => {
    for (const [name, value] of [
      ['BROKER_MAX_PER_SECOND', '11'],
      ['BROKER_MAX_PER_MINUTE', '201'],
      ['BROKER_MAX_PER_SECOND', '-1'],
      ['BROKER_MAX_PER_MINUTE', 'lots'],
    ] as const) {
      expect(() => parseConfig({ [name]: value })).toThrow(name);
    }
  });
});
