import { AppError } from './app-error';

// Refusals of the request itself: its shape, size, method or route, or a concurrent copy of it.

/** The alert body failed validation; details.fields names each field at fault. Nothing was placed. */
export class InvalidAlertError extends AppError {
  readonly code = 'ALERT_INVALID';
}

/** The request body exceeds the size limit; it was not parsed. */
export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/** The HTTP method is not accepted by this function. */
export class MethodNotAllowedError extends AppError {
  readonly code = 'METHOD_NOT_ALLOWED';
}

/** No such route or resource. */
export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
}

/** The same alert is still being processed by another request. */
export class InFlightError extends AppError {
  readonly code = 'IN_FLIGHT';
}
