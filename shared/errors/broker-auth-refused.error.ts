import { AppError } from './app-error';

/** The broker refused a login step (bad auth code, wrong app secret hash); details carry its code. */
export class BrokerAuthRefusedError extends AppError {
  readonly code = 'BROKER_AUTH_REFUSED';
}
