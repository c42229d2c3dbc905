import { AppError } from './app-error';

/** The alert's token did not match the webhook secret. */
export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
}
