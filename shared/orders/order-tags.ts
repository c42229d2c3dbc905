import { sha256Hex } from '../platform/ids';

/**
 * Every order the bridge sends carries a tag derived from what caused it, so a resend, a recovering
 * instance or a reconcile finds it at the broker by name instead of sending it again. Fyers takes
 * letters and digits, at most 30. The prefixes say who sent it:
 * - `tv…`: an alert's order, or one order of a plan (a strategy leg, a flatten's close);
 * - `tx…`: an order that undoes a leg (all-or-nothing rollback);
 * - `X…`: the bridge's own managed exits (stop, target, and the flatten after a double fill).
 */
export const planTag = (baseTag: string, role: 'open' | 'close', n: number) => 'tv' + sha256Hex(`${baseTag}|${role}|${n}`).slice(0, 24);
export const rollbackTag = (tag: string) => 'tx' + sha256Hex(`${tag}|exit`).slice(0, 24);
export const managedExitTag = (entryId: string, suffix: string) => `X${sha256Hex(entryId).slice(0, 20)}${suffix}`;

/** The bridge's own protective orders: they close what the bridge opened and must not count as anyone's close. */
export const isManagedExitTag = (tag: string | undefined): boolean => tag !== undefined && /^X[0-9a-f]{20}/.test(tag);
/** Any order the bridge sent (as opposed to one the trader placed by hand). */
export const isBridgeTag = (tag: string | undefined): boolean => tag !== undefined && /^(tv|tx|X)[0-9a-f]/.test(tag);
