import { AppError } from './app-error';

/** The caller's IP is not on the allow-list. */
export class ForbiddenSourceError extends AppError {
  readonly code = 'SOURCE_FORBIDDEN';
}
