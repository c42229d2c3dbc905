import { AppError } from './app-error';

/** The alert body failed validation; details.fields names each field at fault. Nothing was placed. */
export class InvalidAlertError extends AppError {
  readonly code = 'ALERT_INVALID';
}
