import { AppError } from './app-error';

// Our own dependencies: the store, the symbol master, outbound notification targets.

/** An internal dependency (store, symbol master) failed before anything reached the broker. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
}

/** An outbound URL was refused: not https, or it resolves to an internal / non-public address (SSRF guard). */
export class UnsafeTargetError extends AppError {
  readonly code = 'UNSAFE_TARGET';
}
