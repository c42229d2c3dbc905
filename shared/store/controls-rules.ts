import { DEFAULT_CONTROLS, type RuntimeControls } from './controls.port';

/**
 * Applies an operator's partial change. A key given as `undefined` clears that optional override
 * (e.g. `{ maxLots: undefined }` falls back to config); keys not mentioned stay as they were.
 */
export function applyControlsPatch(before: RuntimeControls, patch: Partial<RuntimeControls>): RuntimeControls {
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
