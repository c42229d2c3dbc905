import type { Config } from '../shared/config/config';

/**
 * Whether the bridge manages exits itself (PROTECTION=managed). PROTECTION is parsed and validated into
 * `config.risk.protection`, so the seam reads that typed field: a renamed or retyped setting breaks the
 * build here instead of silently answering "off". It takes only the slice it reads, so a test passes
 * `{ risk: { protection } }` rather than a whole Config.
 */
export function managedExitsEnabled(config: { readonly risk: Pick<Config['risk'], 'protection'> }): boolean {
  return config.risk.protection === 'managed';
}
