import { AppError } from './app-error';

/** An outbound URL was refused: not https, or it resolves to an internal / non-public address (SSRF guard). */
export class UnsafeTargetError extends AppError {
  readonly code = 'UNSAFE_TARGET';
}
