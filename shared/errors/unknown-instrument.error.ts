import { AppError } from './app-error';

/** No instrument in the symbol master matches the alert. */
export class UnknownInstrumentError extends AppError {
  readonly code = 'UNKNOWN_INSTRUMENT';
}
