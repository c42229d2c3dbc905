import { AppError } from './app-error';

/** A risk rule refused the alert (lots cap, freeze limit, reduce-only, daily cap). */
export class RiskRefusedError extends AppError {
  readonly code = 'RISK_REFUSED';
}
