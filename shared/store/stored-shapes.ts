import type { RuntimeControls } from './controls.port';
import type { IdempotencyRecord, IdempotencyStatus } from './idempotency.port';

/**
 * Shape checks for what the stores read back. A record that exists but fails these is unreadable,
 * never "absent": an idempotency record read as absent would let a resend place a second order.
 */
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const STATUSES: readonly IdempotencyStatus[] = ['pending', 'placed', 'rejected', 'unknown'];
const isStatus = (v: unknown): v is IdempotencyStatus => STATUSES.includes(v as IdempotencyStatus);

export function isStoredControls(v: unknown): v is Partial<RuntimeControls> {
  if (!isObject(v)) return false;
  const positiveInt = (x: unknown) => Number.isInteger(x) && (x as number) >= 1;
  const nonNegativeInt = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  return (
    optional(v.tradingEnabled, (x) => typeof x === 'boolean') &&
    optional(v.reduceOnly, (x) => typeof x === 'boolean') &&
    optional(v.maxLots, positiveInt) &&
    optional(v.dailyOrderCap, nonNegativeInt)
  );
}

export function isIdempotencyRecord(v: unknown): v is IdempotencyRecord {
  if (!isObject(v)) return false;
  const base =
    typeof v.key === 'string' &&
    isStatus(v.status) &&
    typeof v.owner === 'string' &&
    typeof v.requestId === 'string' &&
    isFiniteNumber(v.leaseUntil) &&
    isFiniteNumber(v.expiresAt) &&
    isFiniteNumber(v.createdAt) &&
    isFiniteNumber(v.updatedAt) &&
    Number.isInteger(v.takeovers) &&
    optional(v.orderTag, (x) => typeof x === 'string') &&
    optional(v.recoveredFrom, isStatus) &&
    optional(v.result, isObject);
  if (!base) return false;
  // A finished record is only worth its result: without one a replay could not answer, and must not place.
  if (v.status === 'placed' || v.status === 'rejected') return isObject(v.result) && v.result.status === v.status;
  return true;
}

/** What an unreadable controls record means: trading stops until an operator sets the controls again. */
export const UNREADABLE_CONTROLS: RuntimeControls = { tradingEnabled: false, reduceOnly: false };
