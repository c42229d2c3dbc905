import { istParts } from '../platform/ist';
import { minutesOf, sessionLabel } from './session-time';

/** The exchanges whose F&O segment the bridge trades. */
export type Exchange = 'NSE' | 'BSE';

/** An exchange's normal F&O session on one IST date. Minutes are after IST midnight, end exclusive. */
export interface MarketSession {
  readonly exchange: Exchange;
  readonly segment: 'F&O';
  /** `HH:MM` IST. */
  readonly opens: string;
  readonly closes: string;
  readonly startMin: number;
  readonly endMin: number;
  /** `09:15-15:40`, for messages. */
  readonly label: string;
}

interface SessionEra {
  /** First IST date (YYYY-MM-DD) these hours apply; eras are listed oldest first. */
  readonly from: string;
  readonly opens: string;
  readonly closes: string;
}

/** The day the F&O close moved from 15:30 to 15:40 IST on both exchanges. */
export const FO_CLOSE_MOVED_ON = '2026-08-03';

/**
 * Default F&O hours per exchange, as eras by date. This is the only place those hours are written: the
 * symbol master's column 6 is preferred wherever it states a session, and this table answers when it does
 * not (and dates expiries and the sample master). A future change of hours is one more row here.
 */
const FO_SESSIONS: Readonly<Record<Exchange, readonly SessionEra[]>> = {
  NSE: [
    { from: '0000-01-01', opens: '09:15', closes: '15:30' },
    { from: FO_CLOSE_MOVED_ON, opens: '09:15', closes: '15:40' },
  ],
  BSE: [
    { from: '0000-01-01', opens: '09:15', closes: '15:30' },
    { from: FO_CLOSE_MOVED_ON, opens: '09:15', closes: '15:40' },
  ],
};

/** The exchange's default F&O session on an IST calendar date `YYYY-MM-DD`. */
export function sessionFor(exchange: Exchange, date: string): MarketSession {
  // ISO dates compare correctly as strings; the last era that has begun by `date` is in force.
  const era = FO_SESSIONS[exchange].filter((e) => e.from <= date).at(-1) ?? FO_SESSIONS[exchange][0]!;
  const startMin = minutesOf(era.opens);
  const endMin = minutesOf(era.closes);
  return { exchange, segment: 'F&O', opens: era.opens, closes: era.closes, startMin, endMin, label: sessionLabel(startMin, endMin) };
}

/** The session in force on the IST date of an instant (the caller supplies the instant; nothing here reads a clock). */
export const sessionAt = (exchange: Exchange, epochMs: number): MarketSession => sessionFor(exchange, istParts(epochMs).date);

/** The session that opens first and closes last across both exchanges on a date, for jobs that must cover every session. */
export function widestSessionFor(date: string): { startMin: number; endMin: number } {
  const all = (['NSE', 'BSE'] as const).map((x) => sessionFor(x, date));
  return { startMin: Math.min(...all.map((s) => s.startMin)), endMin: Math.max(...all.map((s) => s.endMin)) };
}
