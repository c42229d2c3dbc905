import path from 'node:path';
import { DependencyUnavailableError } from '../../errors';
import type { ControlsChange, ControlsPatch, ControlsStore, RuntimeControls } from '../controls.port';
import { applyControlsPatch, withControlDefaults } from '../controls-rules';
import type { StoreHealth } from '../store-health';
import { isStoredControls, UNREADABLE_CONTROLS } from '../stored-shapes';
import { fileLocks } from './keyed-mutex';
import { readCheckedJsonFile, setAside, UnreadableFileError, writeJsonFileAtomic } from './json-file';

const DEFAULT_HISTORY_LIMIT = 20;
/** Older changes are dropped from the local file; the cloud store keeps them all. */
const KEPT_HISTORY = 500;
/** Day counters older than this many days are pruned when a new day is counted. */
const KEPT_DAYS = 14;

interface ControlsFile {
  controls: Partial<RuntimeControls>;
  /** Newest first. */
  history: ControlsChange[];
}

type DailyOrdersFile = Record<string, number>;

const isControlsFile = (v: unknown): v is ControlsFile =>
  v !== null && typeof v === 'object' && isStoredControls((v as ControlsFile).controls) && Array.isArray((v as ControlsFile).history);
const isDailyOrders = (v: unknown): v is DailyOrdersFile =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((n) => Number.isInteger(n) && (n as number) >= 0);

/**
 * Controls in `<dir>/controls.json`, daily order counts in `<dir>/daily-orders.json`. An unreadable
 * controls file means trading is disabled (never the defaults, which enable it) while the kill switch
 * stays settable: a change starts from the disabled state and writes a fresh file, the unreadable one
 * kept beside it. An unreadable counter refuses capped orders rather than restarting the count.
 */
export function createLocalControlsStore(dir: string, health?: StoreHealth): ControlsStore {
  const controlsFile = path.resolve(dir, 'controls.json');
  const dailyFile = path.resolve(dir, 'daily-orders.json');
  const readControls = () => readCheckedJsonFile(controlsFile, isControlsFile);
  const readDaily = () => readCheckedJsonFile(dailyFile, isDailyOrders);
  const recheck = (read: () => Promise<unknown>) => () => read().then(() => true, () => false);

  /** The file's content, or 'unreadable' (reported) when it exists but cannot be used. */
  const load = async (): Promise<ControlsFile | 'unreadable'> => {
    try {
      const file = (await readControls()) ?? { controls: {}, history: [] };
      health?.readable('controls');
      return file;
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      health?.unreadable('controls', 'The runtime controls file is unreadable: trading is disabled until the controls are set again', recheck(readControls));
      return 'unreadable';
    }
  };

  const loadDaily = async (): Promise<DailyOrdersFile> => {
    try {
      const counts = (await readDaily()) ?? {};
      health?.readable('daily-orders');
      return counts;
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      health?.unreadable('daily-orders', 'The daily order counter is unreadable: capped orders are refused until it is repaired', recheck(readDaily));
      throw new DependencyUnavailableError('The daily order counter is unreadable; an operator has been told');
    }
  };

  return {
    async get(): Promise<RuntimeControls> {
      const file = await load();
      return file === 'unreadable' ? { ...UNREADABLE_CONTROLS } : withControlDefaults(file.controls);
    },

    async update(patch: ControlsPatch, actor: string, nowMs: number): Promise<ControlsChange> {
      return fileLocks.run(controlsFile, async () => {
        const current = await load();
        const readable = current !== 'unreadable';
        const before = readable ? withControlDefaults(current.controls) : { ...UNREADABLE_CONTROLS };
        const change: ControlsChange = { actor, at: nowMs, before, after: applyControlsPatch(before, patch) };
        if (!readable) await setAside(controlsFile, nowMs);
        await writeJsonFileAtomic(controlsFile, {
          controls: change.after,
          history: [change, ...(readable ? current.history : [])].slice(0, KEPT_HISTORY),
        } satisfies ControlsFile);
        health?.readable('controls');
        return change;
      });
    },

    async history(limit = DEFAULT_HISTORY_LIMIT): Promise<ControlsChange[]> {
      const file = await load();
      return file === 'unreadable' ? [] : file.history.slice(0, limit);
    },

    async reserveDailyOrder(day: string, cap: number): Promise<boolean> {
      return fileLocks.run(dailyFile, async () => {
        const counts = await loadDaily();
        const used = counts[day] ?? 0;
        if (used >= cap) return false;
        const kept = Object.keys(counts).sort().slice(-KEPT_DAYS);
        const next: DailyOrdersFile = Object.fromEntries(kept.map((d) => [d, counts[d] ?? 0]));
        next[day] = used + 1;
        await writeJsonFileAtomic(dailyFile, next);
        return true;
      });
    },

    async releaseDailyOrder(day: string): Promise<void> {
      await fileLocks.run(dailyFile, async () => {
        const counts = await loadDaily();
        if (!counts[day]) return;
        await writeJsonFileAtomic(dailyFile, { ...counts, [day]: counts[day] - 1 });
      });
    },
  };
}
