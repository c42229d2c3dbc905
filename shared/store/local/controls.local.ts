import path from 'node:path';
import type { ControlsChange, ControlsStore, RuntimeControls } from '../controls.port';
import { applyControlsPatch, withControlDefaults } from '../controls-rules';
import { fileLocks } from './keyed-mutex';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

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

export function createLocalControlsStore(dir: string): ControlsStore {
  const controlsFile = path.resolve(dir, 'controls.json');
  const dailyFile = path.resolve(dir, 'daily-orders.json');
  const load = async (): Promise<ControlsFile> =>
    (await readJsonFile<ControlsFile>(controlsFile)) ?? { controls: {}, history: [] };

  return {
    async get(): Promise<RuntimeControls> {
      return withControlDefaults((await load()).controls);
    },

    async update(patch: Partial<RuntimeControls>, actor: string, nowMs: number): Promise<ControlsChange> {
      return fileLocks.run(controlsFile, async () => {
        const current = await load();
        const before = withControlDefaults(current.controls);
        const change: ControlsChange = { actor, at: nowMs, before, after: applyControlsPatch(before, patch) };
        await writeJsonFileAtomic(controlsFile, {
          controls: change.after,
          history: [change, ...current.history].slice(0, KEPT_HISTORY),
        } satisfies ControlsFile);
        return change;
      });
    },

    async history(limit = DEFAULT_HISTORY_LIMIT): Promise<ControlsChange[]> {
      return (await load()).history.slice(0, limit);
    },

    async reserveDailyOrder(day: string, cap: number): Promise<boolean> {
      return fileLocks.run(dailyFile, async () => {
        const counts = (await readJsonFile<DailyOrdersFile>(dailyFile)) ?? {};
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
        const counts = (await readJsonFile<DailyOrdersFile>(dailyFile)) ?? {};
        if (!counts[day]) return;
        await writeJsonFileAtomic(dailyFile, { ...counts, [day]: counts[day] - 1 });
      });
    },
  };
}
