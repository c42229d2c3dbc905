import { AppError } from './app-error';

/** The broker refused the order; details carry its code and reason. */
export class BrokerRejectedError extends AppError {
  readonly code = 'BROKER_REJECTED';
}
