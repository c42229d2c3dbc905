import { registerSecret } from '../../../shared/platform/logger';
import { scrubConsole, scrubText } from '../../../shared/platform/scrub-console';

function capturingConsole() {
  const lines: string[] = [];
  const target = { error: (...a: unknown[]) => void lines.push(a.map(String).join(' ')), warn: (...a: unknown[]) => void lines.push(a.map(String).join(' ')) };
  scrubConsole(target);
  return { target, lines };
}

describe('console scrubbing', () => {
  it('drops the body that JSON.parse quotes in its error, keeping the error itself', () => {
    let err: Error | undefined;
    try {
      JSON.parse('[tv-secret-123456]');
    } catch (e) {
      err = e as Error;
    }
    const { target, lines } = capturingConsole();
    target.error(err!);
    target.error(err!.stack);
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l).not.toContain('tv-secret-123456');
      expect(l).toContain('is not valid JSON');
      expect(l).toContain('SyntaxError');
    }
  });

  it('handles bodies with newlines and quotes inside the snippet', () => {
    const text = 'SyntaxError: Unexpected token \'}\', "{\n "token": "abc\\"def-777777",\n}" is not valid JSON\n    at JSON.parse (<anonymous>)';
    const out = scrubText(text);
    expect(out).not.toContain('def-777777');
    expect(out).toContain('at JSON.parse');
  });

  it('drops the truncated form V8 uses for long inputs', () => {
    expect(scrubText('SyntaxError: Unexpected token \'x\', "xtoken tv-"... is not valid JSON')).toBe('SyntaxError: Unexpected token \'x\', "[request body omitted]" is not valid JSON');
  });

  it('also masks registered secrets anywhere in a console line', () => {
    registerSecret('registered-secret-value-42');
    const { target, lines } = capturingConsole();
    target.warn('something about registered-secret-value-42 happened');
    expect(lines[0]).toBe('something about [REDACTED] happened');
  });
});
