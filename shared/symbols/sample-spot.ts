/**
 * Index levels close to late-2026 ones. The sample symbol master centres its strikes on them and the
 * paper broker quotes them, so paper trades land near the money without a live feed.
 */
export const SAMPLE_SPOT: Readonly<Record<string, number>> = {
  NIFTY: 24500, BANKNIFTY: 52000, FINNIFTY: 23500, MIDCPNIFTY: 12500, NIFTYNXT50: 68000, SENSEX: 80500, BANKEX: 58000, SENSEX50: 25500,
};
