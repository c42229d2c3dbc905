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

export interface FreezeScan {
  /** Ticker → the `qtyFreeze` cell as the file states it (empty cells left out). */
  freeze: Map<string, string>;
  /** Entries (objects under a ticker key) seen. */
  entries: number;
  /** Set when the text is not a JSON object of objects; `freeze` is then empty. */
  problem?: string;
}

/** What a finished string is to the scanner. */
const enum Role {
  Skip,
  Ticker,
  Key,
  Value,
}

/**
 * A scanner fed chunk by chunk (bytes or text); `end()` gives the result. Strings it does not need are
 * skipped with a native search for the closing quote; only tickers, entry keys and the wanted values are
 * looked at, and an entry key is compared in place, never copied.
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
  let role = Role.Skip;
  /** Bytes of a string or literal being kept that began in an earlier chunk. */
  let carry: Buffer[] = [];
  let ticker = '';
  /** The current entry key is qtyFreeze: its value is kept. */
  let wantValue = false;
  /** Inside an unquoted literal that is the wanted value. */
  let inLiteral = false;

  const fail = (why: string) => {
    problem ??= why;
  };
  const textOf = (bytes: Uint8Array) => {
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  const whole = (b: Uint8Array, from: number, to: number): Uint8Array => {
    if (carry.length === 0) return b.subarray(from, to);
    const all = Buffer.concat([...carry, b.subarray(from, to)]);
    carry = [];
    return all;
  };
  const finishString = (content: Uint8Array) => {
    switch (role) {
      case Role.Ticker:
        ticker = textOf(content);
        break;
      case Role.Key:
        wantValue = Buffer.compare(Buffer.from(content.buffer, content.byteOffset, content.byteLength), WANTED) === 0;
        break;
      case Role.Value: {
        const v = textOf(content).trim();
        if (v !== '') freeze.set(ticker, v);
        wantValue = false;
        break;
      }
    }
    role = Role.Skip;
  };
  const finishLiteral = (content: Uint8Array) => {
    inLiteral = false;
    const v = textOf(content);
    if (v !== 'null') freeze.set(ticker, v);
    wantValue = false;
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
    while (i < n && !problem) {
      if (inString) {
        const from = i;
        if (escapeNext) {
          escapeNext = false;
          i += 1;
        }
        // A plain loop: most strings are a few bytes, where a native search costs more than it saves.
        while (i < n) {
          const d = b[i]!;
          if (d === QUOTE) break;
          i += d === BACKSLASH ? 2 : 1;
        }
        if (i >= n) {
          escapeNext = i > n; // the chunk ended on a backslash: it escapes the next chunk's first byte
          if (role !== Role.Skip) carry.push(Buffer.from(b.subarray(from, n)));
          return;
        }
        inString = false;
        if (role === Role.Key && carry.length === 0) {
          // Compared in place: an entry has dozens of keys and only one is wanted.
          wantValue = i - from === WANTED.length && b[from] === WANTED[0] && Buffer.compare(WANTED, b.subarray(from, i)) === 0;
          role = Role.Skip;
        } else if (role !== Role.Skip) finishString(whole(b, from, i));
        i += 1;
        continue;
      }
      if (inLiteral) {
        const from = i;
        while (i < n) {
          const d = b[i]!;
          if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
          i++;
        }
        if (i === n) {
          carry.push(Buffer.from(b.subarray(from, n)));
          return;
        }
        finishLiteral(whole(b, from, i));
        continue;
      }
      const c = b[i++]!;
      if (isSpace(c)) continue;
      switch (c) {
        case QUOTE:
          inString = true;
          role = depth === 1 && expectKey ? Role.Ticker : depth === 2 && expectKey ? Role.Key : depth === 2 && wantValue ? Role.Value : Role.Skip;
          if (depth === 1 && !expectKey) fail(`the entry of ${ticker} is not an object`);
          continue;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (depth === 1 && !expectKey) {
            if (c !== OPEN_BRACE) return fail(`the entry of ${ticker} is not an object`);
            entries += 1;
          }
          if (depth === 2) wantValue = false;
          depth += 1;
          expectKey = c === OPEN_BRACE;
          continue;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          depth -= 1;
          if (depth < 0) return fail('unbalanced braces');
          expectKey = false;
          continue;
        case COLON:
          expectKey = false;
          continue;
        case COMMA:
          // Keys follow commas only in objects; arrays sit at depth 3 and deeper, where nothing is read.
          expectKey = true;
          if (depth === 2) wantValue = false;
          continue;
        default:
          if (depth === 1) return fail(`the entry of ${ticker} is not an object`);
          if (depth === 2 && wantValue) {
            inLiteral = true;
            i -= 1;
          } else {
            // A number or literal nobody needs: skipped in one tight loop.
            while (i < n) {
              const d = b[i]!;
              if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
              i++;
            }
          }
      }
    }
  };

  return {
    /** Feeds the next chunk (a Buffer/Uint8Array of UTF-8 bytes, or text). */
    push(chunk: Uint8Array | string): void {
      if (problem) return;
      if (typeof chunk !== 'string') return scan(chunk);
      let from = chunk.charCodeAt(0) === 0xfeff && !started ? 1 : 0;
      for (; from < chunk.length; from += TEXT_SLICE) scan(Buffer.from(chunk.slice(from, from + TEXT_SLICE), 'utf8'));
    },
    end(): FreezeScan {
      if (inLiteral && !problem) finishLiteral(whole(new Uint8Array(0), 0, 0));
      if (!problem && (!started || depth !== 0 || inString)) fail(started ? 'the text ends inside a value' : 'empty');
      return problem ? { freeze: new Map(), entries, problem: `not a Fyers JSON symbol master: ${problem}` } : { freeze, entries };
    },
  };
}

/** Scans a whole text, or chunks as they arrive (a download stream). */
export async function scanFreezeQuantities(source: string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<FreezeScan> {
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
