import type { Config } from '../shared/config/config';

/**
 * Whether the bridge manages exits itself (PROTECTION=managed). The PROTECTION setting belongs to the
 * market-rules configuration; this seam reads it where it lands and answers false (off) until then,
 * so managed exits can never switch on by accident.
 */
export function managedExitsEnabled(config: Config): boolean {
  const protection = (config as unknown as { protection?: unknown; risk?: { protection?: unknown } }).protection ?? (config as unknown as { risk?: { protection?: unknown } }).risk?.protection;
  return protection === 'managed';
}
