import { sessionLabel } from '../market/session-time';
import type { Exchange, TradingSession } from './instrument';

/**
 * The normal session in master column 6 (`0915-1540|1815-1915:`): the first window. What the second window
 * means is not documented, so it is never traded in. Undefined for a cell that does not start with HHMM-HHMM.
 */
export function parseSessionCell(cell: string | undefined): TradingSession | undefined {
  const m = /^\s*(\d{2})(\d{2})-(\d{2})(\d{2})/.exec(cell ?? '');
  if (!m) return undefined;
  const startMin = Number(m[1]) * 60 + Number(m[2]);
  const endMin = Number(m[3]) * 60 + Number(m[4]);
  if (!(startMin < endMin && endMin <= 24 * 60)) return undefined;
  return { startMin, endMin, label: sessionLabel(startMin, endMin) };
}

/** Each exchange's session from its column-6 cell; a cell that does not parse leaves its exchange out. */
export function sessionsFromCells(cells: Partial<Record<Exchange, string>>): Map<Exchange, TradingSession> {
  const sessions = new Map<Exchange, TradingSession>();
  for (const [exchange, cell] of Object.entries(cells)) {
    const session = parseSessionCell(cell);
    if (session) sessions.set(exchange as Exchange, session);
  }
  return sessions;
}
