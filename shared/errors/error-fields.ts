import { AppError } from './app-error';

/**
 * The field-level details of a refusal: `details.fields` for a 400, or the single `details.field` a risk
 * or instrument refusal names, keyed the same way so the audit, the answer and the operator agree.
 */
export function fieldsOf(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof AppError)) return undefined;
  const fields = error.details?.fields;
  if (fields && typeof fields === 'object') return Object.fromEntries(Object.entries(fields as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const field = error.details?.field;
  return typeof field === 'string' ? { [field]: error.publicMessage } : undefined;
}
