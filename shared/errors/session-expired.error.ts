import { AppError } from './app-error';

/** The broker session is missing or dead; the operator must log in again. Nothing was placed. */
export class SessionExpiredError extends AppError {
  readonly code = 'SESSION_EXPIRED';
}
