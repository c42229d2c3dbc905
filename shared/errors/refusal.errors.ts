import { AppError } from './app-error';

// A valid, authenticated alert that the rules refuse to trade.

/** The kill switch is on. */
export class TradingDisabledError extends AppError {
  readonly code = 'TRADING_DISABLED';
}

/** The alert arrived outside its exchange's F&O session (master rows, else the market calendar) or on a weekend or holiday. */
export class OutsideTradingWindowError extends AppError {
  readonly code = 'OUTSIDE_TRADING_WINDOW';
}

/** A risk rule refused the alert (lots cap, freeze limit, reduce-only, daily cap). */
export class RiskRefusedError extends AppError {
  readonly code = 'RISK_REFUSED';
}

/** No instrument in the symbol master matches the alert. */
export class UnknownInstrumentError extends AppError {
  readonly code = 'UNKNOWN_INSTRUMENT';
}
