import { AppError } from './app-error';

/** The request body exceeds the size limit; it was not parsed. */
export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}
