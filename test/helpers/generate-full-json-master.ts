/**
 * Fyers' JSON symbol master (`NSE_FO_sym_master.json`) for the same contracts as a CSV master: an object keyed
 * by ticker whose entries carry the real file's ~36 fields, with its quirks (numbers sometimes quoted,
 * `qtyFreeze` a string, "" where none). `freeze` gives qtyFreeze per underlying; others get "".
 * Free of runtime imports, like generate-full-symbol-master.ts, so scripts can load it.
 */
export function jsonMasterFromCsv(csv: string, freeze: Record<string, number | string> = {}): string {
  const parts: string[] = [];
  for (const line of csv.split('\n')) {
    if (!line.trim()) continue;
    const c = line.split(',');
    const ticker = c[9]!;
    const [exchangeName, symbol] = ticker.split(':') as [string, string];
    const q = freeze[c[13]!];
    const entry = {
      fyToken: c[0], isin: c[5], exSymbol: c[13], symDetails: c[1], symTicker: ticker, exchange: Number(c[10]), segment: Number(c[11]),
      exSymName: c[13], exToken: Number(c[12]), exSeries: 'XX', optType: c[16], underSym: c[13], underFyTok: c[17], exInstType: Number(c[2]),
      minLotSize: Number(c[3]), tickSize: Number(c[4]), tradingSession: c[6], lastUpdate: c[7], expiryDate: c[8], strikePrice: Number(c[15]),
      qtyFreeze: q === undefined ? '' : String(q), tradeStatus: 1, currencyCode: 'INR', upperPrice: 0, lowerPrice: 0, faceValue: 1, qtyMultiplier: 1,
      previousClose: 0, previousOi: 0, asmGsmVal: 'NA', exchangeName, symbolDesc: symbol, originalExpDate: null, is_mtf_tradable: 0, mtf_margin: 0,
      stream: 'FO',
    };
    parts.push(`${JSON.stringify(ticker)}:${JSON.stringify(entry)}`);
  }
  return `{${parts.join(',')}}`;
}
