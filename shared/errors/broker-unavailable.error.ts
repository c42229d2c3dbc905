import { AppError } from './app-error';

/** The broker could not be reached and it is certain nothing was placed; safe to retry. */
export class BrokerUnavailableError extends AppError {
  readonly code = 'BROKER_UNAVAILABLE';
}
