import { AppError } from './app-error';

/** An internal dependency (store, symbol master) failed before anything reached the broker. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
}
