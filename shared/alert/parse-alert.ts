import * as v from 'valibot';
import { InvalidAlertError } from '../errors';
import { ALERT_FIELDS, AlertSchema, type Alert, type RawAlert } from './alert.schema';
import { carryRetiredProduct, protectionErrors, type ProtectionMode } from './protection';

/** Field → message, for a 400 a trader can act on. */
export type FieldErrors = Record<string, string>;

/** Common misspellings and other brokers' names for our fields; a silently ignored `stoploss` would place an order without a stop. */
const SUGGEST: Record<string, string> = {
  stoploss: 'sl', stop_loss: 'sl', stopLoss: 'sl', takeprofit: 'tp', take_profit: 'tp', takeProfit: 'tp', target: 'tp',
  strike: 'strikeprice', strikePrice: 'strikeprice', strike_price: 'strikeprice', side: 'action', quantity: 'qty',
  lots: 'qty', option_type: 'optionType', optiontype: 'optionType', product: 'productType', producttype: 'productType',
  ordertype: 'orderType', order_type: 'orderType', idempotencyKey: 'idempotency_key', passphrase: 'token', secret: 'token',
  ticker: 'symbol', limitPrice: 'price', limit_price: 'price',
};

/** Cross-field rules; returns the sentence to add to the answer when CO/BO was carried as INTRADAY. */
function checkCrossFields(a: RawAlert, errors: FieldErrors, protection: ProtectionMode): string | undefined {
  const carried = carryRetiredProduct(a, protection);
  Object.assign(errors, carried.errors);
  if (Object.keys(carried.errors).length === 0) Object.assign(errors, protectionErrors(a, protection));
  if (a.orderType === 'LIMIT' && a.price === undefined) errors.price = 'is required for orderType LIMIT';
  if (a.orderType === 'MARKET' && a.price !== undefined) errors.price = 'is only accepted with orderType LIMIT';
  return carried.note;
}

/**
 * Validates an already-JSON-parsed body. Throws InvalidAlertError whose `details.fields` maps each
 * field at fault to a message. Unknown fields are refused by name, with a suggestion where one fits.
 */
export function parseAlert(body: unknown, opts: { protection?: ProtectionMode } = {}): Alert {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidAlertError('The alert must be a JSON object', { fields: { body: 'must be a JSON object' } });
  }
  // Null prototype: a hostile key such as __proto__ must become an entry, not a prototype change.
  const errors: FieldErrors = Object.create(null) as FieldErrors;
  for (const key of Object.keys(body)) {
    if (!ALERT_FIELDS.includes(key)) {
      const hint = SUGGEST[key] ?? SUGGEST[key.toLowerCase()];
      errors[key.slice(0, 64)] = hint ? `is not a known field (did you mean '${hint}'?)` : 'is not a known field';
    }
  }
  const result = v.safeParse(AlertSchema, body);
  if (!result.success) {
    for (const issue of result.issues) {
      const path = v.getDotPath(issue) ?? 'body';
      errors[path] ??= issue.message;
    }
  }
  const note = result.success ? checkCrossFields(result.output, errors, opts.protection ?? 'legs') : undefined;
  if (Object.keys(errors).length > 0 || !result.success) {
    throw new InvalidAlertError('The alert is invalid', { fields: errors });
  }
  const a = result.output;
  // CO/BO never go further than here: what the bridge acts on is INTRADAY (the note says why).
  const productType = a.productType === 'MARGIN' ? 'MARGIN' : 'INTRADAY';
  return { ...a, productType, ...(note ? { note } : {}) };
}
