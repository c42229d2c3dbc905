import { AppError } from './app-error';

/** The kill switch is on. */
export class TradingDisabledError extends AppError {
  readonly code = 'TRADING_DISABLED';
}
