/**
 * Base of every error the product raises on purpose. `code` is stable and machine-readable,
 * `publicMessage` is safe to show a caller, `details` carries structured, non-secret context
 * (e.g. the fields at fault). The HTTP status is chosen in exactly one place: functions/http-response.ts.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(readonly publicMessage: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(publicMessage, options);
    this.name = new.target.name;
    this.details = details;
  }
}
