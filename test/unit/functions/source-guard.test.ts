import { clientIpFrom, createSourceGuard } from '../../../functions/webhook/source-guard';
import { ForbiddenSourceError, TooManyRequestsError } from '../../../shared/errors';

describe('clientIpFrom', () => {
  it('trusts only the hop the platform appended', () => {
    expect(clientIpFrom('1.2.3.4, 52.89.214.238', '10.0.0.1')).toBe('52.89.214.238');
    expect(clientIpFrom('52.89.214.238, 6.6.6.6', '10.0.0.1')).toBe('6.6.6.6');
    expect(clientIpFrom(undefined, '::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('source guard', () => {
  it('admits only allow-listed sources when a list is set', () => {
    const g = createSourceGuard({ allowedIps: ['52.89.214.238'] });
    expect(() => g.admit('52.89.214.238', 0)).not.toThrow();
    expect(() => g.admit('6.6.6.6', 0)).toThrow(ForbiddenSourceError);
  });

  it("answers a boxed source's bad tokens with 429 after repeated ones, then lets it back", () => {
    const g = createSourceGuard({ allowedIps: [], maxBadTokens: 3, windowMs: 1000, blockMs: 5000 });
    for (let i = 0; i < 3; i++) expect(() => g.recordBadToken('9.9.9.9', i)).not.toThrow();
    expect(() => g.recordBadToken('9.9.9.9', 10)).toThrow(TooManyRequestsError);
    expect(() => g.recordBadToken('8.8.8.8', 10)).not.toThrow();
    expect(() => g.recordBadToken('9.9.9.9', 5100)).not.toThrow();
  });

  it('never refuses a source at the door for its penalty: a correct token from it must still pass (issue 10 item 2)', () => {
    const g = createSourceGuard({ allowedIps: [], maxBadTokens: 3, windowMs: 1000, blockMs: 5000 });
    for (let i = 0; i < 10; i++) {
      try {
        g.recordBadToken('9.9.9.9', i);
      } catch {
        // boxed
      }
    }
    expect(() => g.admit('9.9.9.9', 20)).not.toThrow();
  });

  it('forgets strikes outside the window', () => {
    const g = createSourceGuard({ allowedIps: [], maxBadTokens: 3, windowMs: 1000 });
    g.recordBadToken('9.9.9.9', 0);
    g.recordBadToken('9.9.9.9', 10);
    g.recordBadToken('9.9.9.9', 2000);
    expect(() => g.recordBadToken('9.9.9.9', 2001)).not.toThrow();
  });

  it('never boxes an allow-listed source: it is TradingView, shared by every TradingView user', () => {
    const g = createSourceGuard({ allowedIps: ['52.89.214.238'], maxBadTokens: 3, windowMs: 1000, blockMs: 5000 });
    for (let i = 0; i < 20; i++) expect(() => g.recordBadToken('52.89.214.238', i)).not.toThrow();
    expect(() => g.admit('52.89.214.238', 30)).not.toThrow();
  });
});
