import { AppError } from './app-error';

/** No such route or resource. */
export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
}
