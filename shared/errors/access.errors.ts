import { AppError } from './app-error';

// Who may call: the secret, the source address, and the penalty box for repeated bad tokens.

/** The alert's token did not match the webhook secret. */
export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
}

/** The caller's IP is not on the allow-list. */
export class ForbiddenSourceError extends AppError {
  readonly code = 'SOURCE_FORBIDDEN';
}

/** The caller sent too many bad requests and is refused for a while. */
export class TooManyRequestsError extends AppError {
  readonly code = 'RATE_LIMITED';
}
