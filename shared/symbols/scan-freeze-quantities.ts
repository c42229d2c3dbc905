/**
 * The freeze quantities of Fyers' JSON symbol master (`{"NSE:…": {…, "qtyFreeze": "1800", …}, …}`), read by
 * a byte scanner that keeps only each entry's key (the ticker) and its `qtyFreeze`. The JSON master is
 * read for nothing else (the CSV gives every other field), and parsing its ~36 fields per entry costs
 * seconds and hundreds of MB on a full file; this walks the bytes once, in chunks as they arrive, and
 * holds one small map.
 *
 * The scanner follows JSON's structure (strings with escapes, nesting), so a `qtyFreeze` inside a nested
 * value or a string is never taken. A file that is not an object of objects is reported, not guessed at.
 * Values are kept as the file states them (numbers often quoted); whether one is plausible for a contract
 * (a whole number of units from one lot up) is judged where the lot size is known.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;
const WANTED = Buffer.from('qtyFreeze');
/** Text input is turned into UTF-8 bytes this much at a time (every structural character is ASCII). */
const TEXT_SLICE = 1 << 20;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;
/** Bytes that end an unquoted literal: `,` `}` `]` and white space. */
const ENDS_LITERAL = new Uint8Array(256);
for (const c of [COMMA, CLOSE_BRACE, CLOSE_BRACKET, 32, 10, 13, 9]) ENDS_LITERAL[c] = 1;

export interface FreezeScan {
  /** Ticker → the `qtyFreeze` cell as the file states it (empty cells left out). */
  freeze: Map<string, string>;
  /** Entries (objects under a ticker key) seen. */
  entries: number;
  /** Set when the text is not a JSON object of objects; `freeze` is then empty. */
  problem?: string;
}

/** What a byte outside a string is to the scanner: one table lookup and a switch over a few small numbers, instead of a chain of compares per byte. */
const enum Byte {
  Literal,
  Space,
  Quote,
  Colon,
  Comma,
  Open,
  Close,
}
const BYTE_CLASS = new Uint8Array(256);
for (const c of [32, 10, 13, 9]) BYTE_CLASS[c] = Byte.Space;
BYTE_CLASS[QUOTE] = Byte.Quote;
BYTE_CLASS[COLON] = Byte.Colon;
BYTE_CLASS[COMMA] = Byte.Comma;
BYTE_CLASS[OPEN_BRACE] = BYTE_CLASS[OPEN_BRACKET] = Byte.Open;
BYTE_CLASS[CLOSE_BRACE] = BYTE_CLASS[CLOSE_BRACKET] = Byte.Close;

const textOf = (bytes: Uint8Array, from = 0, to = bytes.length) => {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8');
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
};

/**
 * A scanner fed chunk by chunk (bytes or text); `end()` gives the result. Strings it does not need are
 * skipped byte by byte; only entry keys and the wanted values are looked at, an entry key is compared in
 * place, never copied, and an entry's ticker is made into a string only when its entry has a freeze
 * quantity (about one in ten). The scanning state lives in locals while a chunk is scanned (measured:
 * 335 ms for 77 MB with it in the closure, target < 300 ms).
 */
export function freezeScanner() {
  const freeze = new Map<string, string>();
  let entries = 0;
  let problem: string | undefined;
  let depth = 0;
  let started = false;
  let inString = false;
  /** The last byte of the previous chunk escaped this chunk's first byte. */
  let escapeNext = false;
  /** At depths 1 and 2: whether the next string is a key (after '{' or ','), else a value (after ':'). */
  let expectKey = false;
  /** Bytes of a string or literal being kept that began in an earlier chunk. */
  let carry: Buffer[] = [];
  /** The current entry's ticker: where its bytes are, and the text once made. */
  let tickerBytes: Uint8Array = new Uint8Array(0);
  let tickerFrom = 0;
  let tickerTo = 0;
  let tickerText: string | undefined = '';
  /** The current entry key is qtyFreeze: its value is kept. */
  let wantValue = false;
  /** Inside an unquoted literal that is the wanted value (it went on past a chunk's end). */
  let inLiteral = false;

  const ticker = () => (tickerText ??= textOf(tickerBytes, tickerFrom, tickerTo));
  const fail = (why: string) => {
    problem ??= why;
  };
  const whole = (b: Uint8Array, from: number, to: number): Uint8Array => {
    if (carry.length === 0) return b.subarray(from, to);
    const all = Buffer.concat([...carry, b.subarray(from, to)]);
    carry = [];
    return all;
  };
  const keep = (value: string) => {
    if (value !== '') freeze.set(ticker(), value);
  };
  const isWanted = (b: Uint8Array, from: number, to: number) => {
    if (to - from !== WANTED.length) return false;
    for (let k = 0; k < WANTED.length; k++) if (b[from + k] !== WANTED[k]) return false;
    return true;
  };

  const scan = (b: Uint8Array) => {
    const n = b.length;
    let i = 0;
    if (!started) {
      // Before the opening brace: spaces and a byte-order mark (UTF-8 bytes EF BB BF) only.
      while (i < n && (isSpace(b[i]!) || b[i] === 0xef || b[i] === 0xbb || b[i] === 0xbf)) i++;
      if (i === n) return;
      started = true;
      if (b[i] !== OPEN_BRACE) return fail('not a JSON object');
    }
    // The hot state, in locals for the chunk; written back below, whichever way the loop ends.
    let dep = depth;
    let inStr = inString;
    let esc = escapeNext;
    let key = expectKey;
    let want = wantValue;
    let bad: string | undefined;
    if (inLiteral) {
      // The wanted literal went on past the previous chunk's end.
      while (i < n && ENDS_LITERAL[b[i]!] === 0) i++;
      if (i === n) {
        carry.push(Buffer.from(b));
        return;
      }
      inLiteral = false;
      const v = textOf(whole(b, 0, i));
      if (v !== 'null') keep(v);
      want = false;
    }
    scan: while (i < n) {
      let from = i;
      if (inStr) {
        // A string went on past the previous chunk's end.
        if (esc) {
          esc = false;
          i += 1;
        }
      } else {
        const c = b[i++]!;
        switch (BYTE_CLASS[c]) {
          case Byte.Space:
            continue;
          case Byte.Quote:
            if (dep === 1 && !key) {
              bad = `the entry of ${ticker()} is not an object`;
              break scan;
            }
            from = i;
            inStr = true;
            break;
          case Byte.Colon:
            key = false;
            continue;
          case Byte.Comma:
            // Keys follow commas only in objects; arrays sit at depth 3 and deeper, where nothing is read.
            key = true;
            if (dep === 2) want = false;
            continue;
          case Byte.Open:
            if (dep === 1 && !key) {
              if (c !== OPEN_BRACE) {
                bad = `the entry of ${ticker()} is not an object`;
                break scan;
              }
              entries += 1;
            }
            if (dep === 2) want = false;
            dep += 1;
            key = c === OPEN_BRACE;
            continue;
          case Byte.Close:
            dep -= 1;
            if (dep < 0) {
              bad = 'unbalanced braces';
              break scan;
            }
            key = false;
            continue;
          default:
            // The first byte of a number or literal.
            if (dep === 1) {
              bad = `the entry of ${ticker()} is not an object`;
              break scan;
            }
            from = i - 1;
            while (i < n && ENDS_LITERAL[b[i]!] === 0) i++;
            if (dep === 2 && want) {
              if (i === n) {
                inLiteral = true;
                carry.push(Buffer.from(b.subarray(from, n)));
                break scan;
              }
              const v = textOf(whole(b, from, i));
              if (v !== 'null') keep(v);
              want = false;
            }
            continue;
        }
      }
      // In a string, from its first byte (or from this chunk's start), handled in this same pass of the
      // loop: its role (entry key, key, wanted value or nothing) follows from depth, key and want at its end.
      // A plain loop: most strings are a few bytes, where a native search costs more than it saves.
      while (i < n) {
        const d = b[i]!;
        if (d === QUOTE) break;
        i += d === BACKSLASH ? 2 : 1;
      }
      if (i >= n) {
        esc = i > n; // the chunk ended on a backslash: it escapes the next chunk's first byte
        if (from < n && ((dep === 2 && (key || want)) || (dep === 1 && key))) carry.push(Buffer.from(b.subarray(from, n)));
        break scan;
      }
      inStr = false;
      if (dep === 2) {
        if (key) {
          // Compared in place: an entry has dozens of keys and only one is wanted.
          want = carry.length === 0 ? isWanted(b, from, i) : Buffer.compare(whole(b, from, i), WANTED) === 0;
        } else if (want) {
          keep(textOf(whole(b, from, i)).trim());
          want = false;
        }
      } else if (dep === 1) {
        // An entry key (a string value at depth 1 was refused at its opening quote).
        if (carry.length === 0) {
          tickerBytes = b;
          tickerFrom = from;
          tickerTo = i;
        } else {
          tickerBytes = whole(b, from, i);
          tickerFrom = 0;
          tickerTo = tickerBytes.length;
        }
        tickerText = undefined;
      }
      i += 1;
    }
    depth = dep;
    inString = inStr;
    escapeNext = esc;
    expectKey = key;
    wantValue = want;
    if (bad) fail(bad);
    // A ticker still pointing into this chunk is made into text now: the caller may reuse the bytes.
    if (tickerBytes === b && tickerText === undefined) ticker();
  };

  return {
    /** Feeds the next chunk (a Buffer/Uint8Array of UTF-8 bytes, or text). */
    push(chunk: Uint8Array | string): void {
      if (problem) return;
      if (typeof chunk !== 'string') return scan(chunk);
      let from = chunk.charCodeAt(0) === 0xfeff && !started ? 1 : 0;
      for (; from < chunk.length && !problem; from += TEXT_SLICE) scan(Buffer.from(chunk.slice(from, from + TEXT_SLICE), 'utf8'));
    },
    end(): FreezeScan {
      if (inLiteral && !problem) {
        inLiteral = false;
        const v = textOf(whole(new Uint8Array(0), 0, 0));
        if (v !== 'null') keep(v);
      }
      if (!problem && (!started || depth !== 0 || inString)) fail(started ? 'the text ends inside a value' : 'empty');
      return problem ? { freeze: new Map(), entries, problem: `not a Fyers JSON symbol master: ${problem}` } : { freeze, entries };
    },
  };
}

/**
 * Every branch of the scanner (escapes, strings and literals cut by a chunk's end, nested values, a
 * byte-order mark), taken once before the real scan: V8 optimises the scan with feedback from all of
 * them instead of throwing its optimised code away at each first sighting mid-file (measured on 77 MB:
 * 340-390 ms without, 275-325 ms with; this costs well under a millisecond, once per process).
 */
let primed = false;
function prime(): void {
  primed = true;
  const bytes = Buffer.from('\ufeff{"NSE:A\\u0041":{"a":"x,}{\\"","qtyFreeze":"1800","b":[{"c":1},null,true],"d":-1.5e3},"NSE:B":{"qtyFreeze":1200,"x":"\\\\"},"NSE:C":{"qtyFreeze":null},"NSE:D":{"qtyFreeze":""}}');
  for (let round = 0; round < 3; round++) {
    const cut = freezeScanner();
    for (let i = 0; i < bytes.length; i += 7) cut.push(bytes.subarray(i, i + 7));
    cut.end();
    const whole = freezeScanner();
    whole.push(bytes);
    whole.end();
  }
}

/** Scans a whole text, or chunks as they arrive (a download stream). */
export async function scanFreezeQuantities(source: string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<FreezeScan> {
  if (!primed) prime();
  const s = freezeScanner();
  if (typeof source === 'string' || source instanceof Uint8Array) s.push(source);
  else if (Symbol.asyncIterator in source) for await (const chunk of source) s.push(chunk);
  else for (const chunk of source) s.push(chunk);
  return s.end();
}

/** No exchange freezes an F&O order below one lot or above this many units; outside it the cell is misread. */
const MAX_SANE_FREEZE = 10_000_000;

/**
 * The CSV's contracts with the freeze quantities the JSON master states for the same tickers. The CSV stays
 * the source of every other field; a ticker missing from the JSON, or whose cell is not a whole number of
 * units from one lot up (a misread cell, judged for that contract alone), keeps no freeze quantity.
 */
export function withScannedFreeze<I extends { ticker: string; lotSize: number; freezeQty?: number }>(
  instruments: readonly I[],
  freeze: ReadonlyMap<string, string>,
): { instruments: I[]; matched: number; named: number; implausible: string[] } {
  let matched = 0;
  let named = 0;
  const implausible: string[] = [];
  const out = instruments.map((inst) => {
    const cell = freeze.get(inst.ticker);
    if (cell === undefined) return inst;
    named++;
    const q = Number(cell);
    if (!(Number.isInteger(q) && q >= inst.lotSize && q <= MAX_SANE_FREEZE)) {
      implausible.push(`${inst.ticker}: qtyFreeze "${cell}" is not a whole number of units from one lot (${inst.lotSize}) up; ignored for this contract`);
      return inst;
    }
    matched++;
    return { ...inst, freezeQty: q };
  });
  return { instruments: out, matched, named, implausible };
}
