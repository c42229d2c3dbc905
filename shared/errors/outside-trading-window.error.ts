import { AppError } from './app-error';

/** The alert arrived outside 09:15-15:30 IST on a weekday. */
export class OutsideTradingWindowError extends AppError {
  readonly code = 'OUTSIDE_TRADING_WINDOW';
}
