import { EventEmitter } from 'node:events';
import { createDrain } from '../../../functions/drain';
import { installGracefulShutdown } from '../../../functions/graceful-shutdown';

describe('drain', () => {
  it('admits work until it starts draining, then refuses; idle waits for the last release', async () => {
    const d = createDrain();
    const a = d.enter()!;
    const b = d.enter()!;
    d.start();
    expect(d.enter()).toBeUndefined();
    let idle = false;
    const waiting = d.idle(5_000).then((v) => (idle = v));
    a();
    a(); // a second release of the same unit counts once
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    expect(d.inFlight).toBe(1);
    b();
    await waiting;
    expect(idle).toBe(true);
  });

  it('gives up after the grace with work still in flight', async () => {
    const d = createDrain();
    d.enter();
    await expect(d.idle(20)).resolves.toBe(false);
  });
});

describe('installGracefulShutdown', () => {
  it('takes SIGTERM from handlers registered later, and exits only after in-flight work and beforeExit', async () => {
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    const drain = createDrain();
    const events: string[] = [];
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((r) => (exited = r));
    installGracefulShutdown({ drain, graceMs: 5_000, closeMs: 1_000, proc, exit: (c) => exited(c), beforeExit: async (drained) => void events.push(`beforeExit drained=${drained}`) });
    const frameworkHandler = jest.fn();
    proc.on('SIGTERM', frameworkHandler);
    await Promise.resolve();

    const release = drain.enter()!;
    proc.emit('SIGTERM');
    expect(frameworkHandler).not.toHaveBeenCalled();
    expect(drain.draining).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
    events.push('released');
    release();
    await expect(exit).resolves.toBe(0);
    expect(events).toEqual(['released', 'beforeExit drained=true']);
  });

  it('exits even when beforeExit hangs', async () => {
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((r) => (exited = r));
    installGracefulShutdown({ drain: createDrain(), graceMs: 10, closeMs: 20, proc, exit: (c) => exited(c), beforeExit: () => new Promise(() => undefined) });
    proc.emit('SIGTERM');
    await expect(exit).resolves.toBe(0);
  });
});
