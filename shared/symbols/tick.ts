/**
 * Tick arithmetic in integer ticks, so 0.05-tick prices never drift into 24.349999999.
 * Prices at Fyers must be exact multiples of the instrument's tick size.
 */
const decimals = (tick: number) => {
  const s = String(tick);
  return s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
};

export function toTicks(price: number, tick: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): number {
  const ratio = price / tick;
  // Tolerate float noise such as 24.35 / 0.05 = 486.99999999999994.
  const snapped = Math.round(ratio);
  if (Math.abs(ratio - snapped) < 1e-9) return snapped;
  return mode === 'down' ? Math.floor(ratio) : mode === 'up' ? Math.ceil(ratio) : snapped;
}

export function fromTicks(ticks: number, tick: number): number {
  return Number((ticks * tick).toFixed(decimals(tick)));
}

export function roundToTick(price: number, tick: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): number {
  return fromTicks(toTicks(price, tick, mode), tick);
}

export function isTickMultiple(price: number, tick: number): boolean {
  return Math.abs(price / tick - Math.round(price / tick)) < 1e-9;
}
