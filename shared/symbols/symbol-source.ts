import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { DependencyUnavailableError } from '../errors';
import type { SymbolIndex } from './instrument';
import { nextTurn } from './stepwise';

/** Where an index comes from: a cheap version probe and a full load of that version. */
export interface SymbolIndexLoader {
  describe: string;
  /** Cheap: GCS generation, file mtime, or the IST date for the generated sample. */
  version(): Promise<string>;
  /**
   * A full load of that version. With `pace`, the instance is serving alerts from the index it holds:
   * the heavy part (decode, indexing) goes in steps with `pace()` awaited between them (stepwise.ts).
   */
  load(version: string, pace?: () => Promise<void>): Promise<SymbolIndex>;
}

/**
 * Holds one index per instance and swaps it when the source has a newer version, probing at most once per
 * `checkEveryMs`. Only the very first load is waited for: after that an alert is always answered from the
 * index in hand, while the probe and a new version's fetch and decode run in the background and swap it
 * in when ready (an alert never waits for a version check or a decode). A failed probe or load keeps
 * serving the index we have: a stale master that trades beats none, and readiness reports the age. Only an
 * instance that never loaded one refuses alerts.
 *
 * The swap itself is paced (`pace`, by default one step per turn of the event loop): a swap decoded
 * in one block held every alert that arrived meanwhile for its 300-600 ms. The first load is not
 * paced: alerts are waiting for it.
 */
export function createSymbolSource(loader: SymbolIndexLoader, opts: { clock: Clock; logger: Logger; checkEveryMs: number; pace?: () => Promise<void> }) {
  let current: SymbolIndex | undefined;
  let checkedAt = 0;
  let inflight: Promise<SymbolIndex> | undefined;

  const refresh = async (): Promise<SymbolIndex> => {
    try {
      const version = await loader.version();
      checkedAt = opts.clock();
      if (current && current.version === version) return current;
      const started = opts.clock();
      const next = await loader.load(version, current ? (opts.pace ?? nextTurn) : undefined);
      opts.logger.info('symbol master loaded', { source: loader.describe, version, instruments: next.instrumentCount, ms: opts.clock() - started });
      current = next;
      return next;
    } catch (e) {
      checkedAt = opts.clock();
      if (current) {
        opts.logger.warn('symbol master refresh failed; keeping the loaded version', { source: loader.describe, version: current.version, error: e });
        return current;
      }
      throw new DependencyUnavailableError('The symbol master is not available', undefined, { cause: e });
    }
  };

  return async (): Promise<SymbolIndex> => {
    if (current && opts.clock() - checkedAt < opts.checkEveryMs) return current;
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    if (!current) return inflight;
    // refresh() never rejects once an index is held (it keeps the old one), so nothing is left unhandled.
    return current;
  };
}
