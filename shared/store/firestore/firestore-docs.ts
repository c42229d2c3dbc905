import { sha256Hex } from '../../platform/ids';
import { AppError } from '../../errors';
import { DependencyUnavailableError } from '../../errors';

/** Options every Firestore store takes; a prefix isolates test runs (and environments) in one database. */
export interface FirestoreStoreOptions {
  /** Prepended to every top-level collection name, e.g. `test-1a2b-` → `test-1a2b-idempotency`. */
  prefix?: string;
}

export function collectionName(options: FirestoreStoreOptions | undefined, base: string): string {
  return `${options?.prefix ?? ''}${base}`;
}

/**
 * Firestore rejects `undefined` unless the client was built with ignoreUndefinedProperties, and the
 * stores do not own the client, so optional fields are dropped before writing.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
    return out as T;
  }
  return value;
}

/** Readable keys are used as document ids as they are; anything a document id cannot hold is hashed. */
export function docIdFor(key: string): string {
  return /^[A-Za-z0-9:_.-]{1,200}$/.test(key) && !/^\.\.?$/.test(key) && !/^__.*__$/.test(key) ? key : `h_${sha256Hex(key)}`;
}

/**
 * Runs a Firestore call and turns any failure into DependencyUnavailableError (the cause keeps the
 * gRPC detail for logs), so callers answer "try again" rather than a bare 500.
 */
export async function guarded<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new DependencyUnavailableError(`The store could not ${what}`, undefined, { cause: e });
  }
}
