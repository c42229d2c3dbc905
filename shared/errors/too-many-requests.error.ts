import { AppError } from './app-error';

/** The caller sent too many bad requests and is refused for a while. */
export class TooManyRequestsError extends AppError {
  readonly code = 'RATE_LIMITED';
}
