import { AppError } from './app-error';

/** The HTTP method is not accepted by this function. */
export class MethodNotAllowedError extends AppError {
  readonly code = 'METHOD_NOT_ALLOWED';
}
