/** `HH:MM` (IST, 24-hour) as minutes after midnight; the one way session times are written and read. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes after midnight as `HH:MM`. */
export const hhmmOf = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** `09:15-15:40`, the way a session is quoted to an operator. */
export const sessionLabel = (startMin: number, endMin: number): string => `${hhmmOf(startMin)}-${hhmmOf(endMin)}`;
