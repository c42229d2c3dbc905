import { AppError } from './app-error';

/** The same alert is still being processed by another request. */
export class InFlightError extends AppError {
  readonly code = 'IN_FLIGHT';
}
