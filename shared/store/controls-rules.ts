import { DEFAULT_CONTROLS, type ControlsPatch, type RuntimeControls } from './controls.port';

/**
 * Applies an operator's partial change. A key given as `undefined` clears that optional override
 * (e.g. `{ maxLots: undefined }` falls back to config); keys not mentioned stay as they were. A
 * function patch is computed from `before`, which the store reads inside the same atomic step.
 */
export function applyControlsPatch(before: RuntimeControls, change: ControlsPatch): RuntimeControls {
  const patch = typeof change === 'function' ? change(before) : change;
  const after: RuntimeControls = { ...before };
  for (const key of Object.keys(patch) as (keyof RuntimeControls)[]) {
    const value = patch[key];
    if (value === undefined) {
      if (key === 'tradingEnabled' || key === 'reduceOnly') after[key] = DEFAULT_CONTROLS[key];
      else delete after[key];
    } else {
      (after as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return after;
}

/** Stored controls may predate a field; fill the required ones from the defaults. */
export function withControlDefaults(stored: Partial<RuntimeControls> | undefined): RuntimeControls {
  return { ...DEFAULT_CONTROLS, ...(stored ?? {}) };
}
