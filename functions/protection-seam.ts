import type { Config } from '../shared/config/config';

/**
 * Whether the bridge manages exits itself: PROTECTION=managed, and PROTECTION=legs too, where an order whose
 * legs Fyers refused is sent without them and protected by managed exits instead (legs-fallback). Only
 * entries that asked for exits get any, so under `legs` this acts only after such a refusal. PROTECTION is parsed and validated into
 * `config.risk.protection`, so the seam reads that typed field: a renamed or retyped setting breaks the
 * build here instead of silently answering "off". It takes only the slice it reads, so a test passes
 * `{ risk: { protection } }` rather than a whole Config.
 */
export function managedExitsEnabled(config: { readonly risk: Pick<Config['risk'], 'protection'> }): boolean {
  return config.risk.protection === 'managed' || config.risk.protection === 'legs';
}
