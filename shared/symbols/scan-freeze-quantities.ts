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
/**
 * Text input is turned into UTF-8 bytes this many UTF-16 units at a time (every structural character is
 * ASCII), into one buffer kept for the scan: at most 3 bytes a unit (a surrogate pair, two units, is 4).
 * A fresh buffer per slice cost a page fault per 4 KB of it, ~12 us each on the 2-CPU VM measured, which
 * was most of the time of a text scan. Exported for the test that puts a slice's end at every byte of an entry.
 */
export const TEXT_SLICE = 1 << 18;

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

/** What a byte outside a string is to the walk: one table lookup and a switch over a few small numbers, instead of a chain of compares per byte. */
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

/** The scanning state `walk` reads on entry and writes back when it stops. */
class WalkState {
  depth = 0;
  /** At depths 1 and 2: whether the next string is a key (after '{' or ','), else a value (after ':'). */
  key = false;
  /** The current entry key is qtyFreeze: its value is kept. */
  want = false;
  /** The chunk ended on a backslash inside a string: it escapes the next chunk's first byte. */
  escape = false;
  entries = 0;
  /** The current entry's ticker: where its bytes are, and the text once made. */
  tickerBytes: Uint8Array = new Uint8Array(0);
  tickerFrom = 0;
  tickerTo = 0;
  tickerText: string | undefined = '';
  /** The token `walk` stopped at: where it begins and ends in the chunk. */
  from = 0;
  to = 0;
}

/** Why `walk` stopped. */
const enum Stop {
  /** The chunk is done, between tokens. */
  ChunkEnd,
  /** The chunk ended inside a string that began at `from`. */
  InString,
  /** The chunk ended inside the wanted literal that began at `from`. */
  InLiteral,
  /** The wanted value, a string, is at `from`..`to`; go on after its closing quote. */
  Value,
  /** The wanted value, an unquoted literal, is at `from`..`to`; go on at `to`. */
  Literal,
  NotAnEntry,
  Unbalanced,
}

/** The bytes at `from`..`to` are `qtyFreeze`. */
const isWanted = (b: Uint8Array, from: number, to: number) => {
  if (to - from !== WANTED.length) return false;
  for (let k = 0; k < WANTED.length; k++) if (b[from + k] !== WANTED[k]) return false;
  return true;
};

/**
 * The inner loop: walks the chunk from `i` over whole tokens, doing only what nearly every byte needs
 * (skipping strings and unwanted literals, tracking depth, comparing entry keys, noting each entry's ticker).
 * Anything else (a wanted value, a token cut by the chunk's end, a malformed entry) stops it, to be dealt
 * with by the scanner around it. Kept apart and small so that V8 compiles its optimised code quickly: with
 * the rare paths inlined into the loop (Buffer.concat, text decoding, errors), each optimised compile of it
 * took 50-110 ms of a 2-CPU machine (twice: once entering mid-loop, once whole), and the first ~30 chunks
 * of 256 KB ran at a third of the speed meanwhile; alone, `walk` compiles in ~25 ms.
 */
function walk(s: WalkState, b: Uint8Array, i: number): Stop {
  const n = b.length;
  // The hot state, in locals; written back below, whichever way the loop stops.
  let dep = s.depth;
  let key = s.key;
  let want = s.want;
  let stop = Stop.ChunkEnd;
  while (i < n) {
    const c = b[i++]!;
    switch (BYTE_CLASS[c]) {
      case Byte.Space:
        continue;
      case Byte.Quote:
        break; // to the string, below the switch
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
            stop = Stop.NotAnEntry;
            break;
          }
          s.entries += 1;
        }
        if (dep === 2) want = false;
        dep += 1;
        key = c === OPEN_BRACE;
        continue;
      case Byte.Close:
        dep -= 1;
        if (dep < 0) {
          stop = Stop.Unbalanced;
          break;
        }
        key = false;
        continue;
      default: {
        // The first byte of a number or literal.
        if (dep === 1) {
          stop = Stop.NotAnEntry;
          break;
        }
        const from = i - 1;
        while (i < n && ENDS_LITERAL[b[i]!] === 0) i++;
        if (dep === 2 && want) {
          stop = i === n ? Stop.InLiteral : Stop.Literal;
          s.from = from;
          s.to = i;
          break;
        }
        continue;
      }
    }
    // Only a stop or an opening quote gets here.
    if (stop !== Stop.ChunkEnd) break;
    if (dep === 1 && !key) {
      stop = Stop.NotAnEntry;
      break;
    }
    const from = i;
    // A plain loop: most strings are a few bytes, where a native search costs more than it saves.
    while (i < n) {
      const d = b[i]!;
      if (d === QUOTE) break;
      i += d === BACKSLASH ? 2 : 1;
    }
    if (i >= n) {
      s.escape = i > n; // the chunk ended on a backslash: it escapes the next chunk's first byte
      s.from = from;
      stop = Stop.InString;
      break;
    }
    if (dep === 2) {
      if (key) {
        // Compared in place: an entry has dozens of keys and only one is wanted.
        want = isWanted(b, from, i);
      } else if (want) {
        // Every wanted cell stops the walk and is read as text, an empty one too (most entries have ""):
        // the small garbage this makes per entry keeps V8 collecting young objects, and with them a stream's
        // spent chunks. Skipping empty cells here left those chunks to external-memory pressure alone:
        // peak RSS 83 MB against 31 MB, and every chunk read into fresh pages (18.7k page faults against
        // 6.3k), 504 ms against 376 ms (medians of 7 streamed scans, load ~1.9).
        stop = Stop.Value;
        s.from = from;
        s.to = i;
        break;
      }
    } else if (dep === 1) {
      // An entry key (a string value at depth 1 was refused at its opening quote): where its ticker is.
      s.tickerBytes = b;
      s.tickerFrom = from;
      s.tickerTo = i;
      s.tickerText = undefined;
    }
    i += 1;
  }
  s.depth = dep;
  s.key = key;
  s.want = want;
  return stop;
}

/**
 * A scanner fed chunk by chunk (bytes or text); `end()` gives the result. Strings it does not need are
 * skipped byte by byte; only entry keys and the wanted values are looked at, an entry key is compared in
 * place, never copied, and an entry's ticker is made into a string only when its entry has a freeze
 * quantity (about one in ten). A string or literal cut by a chunk's end is finished here, with the bytes
 * it had in the earlier chunk, before `walk` goes on.
 */
export function freezeScanner() {
  const freeze = new Map<string, string>();
  const s = new WalkState();
  let problem: string | undefined;
  let started = false;
  let inString = false;
  /** Inside an unquoted literal that is the wanted value. */
  let inLiteral = false;
  /** Bytes of a string or literal being kept that began in an earlier chunk. */
  let carry: Buffer[] = [];
  /** Where text input is encoded, slice after slice (nothing points into it once a slice is scanned). */
  let textBytes: Buffer | undefined;

  const ticker = () => (s.tickerText ??= textOf(s.tickerBytes, s.tickerFrom, s.tickerTo));
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
  const keepLiteral = (bytes: Uint8Array) => {
    const v = textOf(bytes);
    if (v !== 'null') keep(v);
    s.want = false;
  };
  /** The string, or its bytes so far, matters: an entry key, a key inside an entry, or the wanted value. */
  const stringMatters = () => (s.depth === 2 && (s.key || s.want)) || (s.depth === 1 && s.key);

  /** Goes on with the string the previous chunk ended in; where the walk goes on, or -1 if it goes on past this chunk. */
  const finishString = (b: Uint8Array): number => {
    const n = b.length;
    let i = 0;
    if (s.escape) {
      s.escape = false;
      i = 1;
    }
    while (i < n) {
      const d = b[i]!;
      if (d === QUOTE) break;
      i += d === BACKSLASH ? 2 : 1;
    }
    if (i >= n) {
      s.escape = i > n;
      if (stringMatters()) carry.push(Buffer.from(b));
      return -1;
    }
    inString = false;
    if (s.depth === 2) {
      if (s.key) s.want = Buffer.compare(whole(b, 0, i), WANTED) === 0;
      else if (s.want) {
        keep(textOf(whole(b, 0, i)).trim());
        s.want = false;
      }
    } else if (s.depth === 1 && s.key) {
      // Left pointing into this chunk when nothing was carried (the string opened on the previous chunk's
      // last byte), so that it is made into text at this chunk's end, as a ticker found by `walk` is.
      s.tickerBytes = carry.length === 0 ? b : whole(b, 0, i);
      s.tickerFrom = 0;
      s.tickerTo = s.tickerBytes === b ? i : s.tickerBytes.length;
      s.tickerText = undefined;
    }
    return i + 1;
  };

  /** Goes on with the wanted literal the previous chunk ended in; as `finishString`. */
  const finishLiteral = (b: Uint8Array): number => {
    const n = b.length;
    let i = 0;
    while (i < n && ENDS_LITERAL[b[i]!] === 0) i++;
    if (i === n) {
      carry.push(Buffer.from(b));
      return -1;
    }
    inLiteral = false;
    keepLiteral(whole(b, 0, i));
    return i;
  };

  const scan = (b: Uint8Array) => {
    const n = b.length;
    if (n === 0) return; // changes nothing, not even what a ticker carried over points into
    let i = 0;
    if (!started) {
      // Before the opening brace: spaces and a byte-order mark (UTF-8 bytes EF BB BF) only.
      while (i < n && (isSpace(b[i]!) || b[i] === 0xef || b[i] === 0xbb || b[i] === 0xbf)) i++;
      if (i === n) return;
      started = true;
      if (b[i] !== OPEN_BRACE) return fail('not a JSON object');
    }
    if (inString) i = finishString(b);
    else if (inLiteral) i = finishLiteral(b);
    while (i >= 0) {
      const stop = walk(s, b, i);
      if (stop === Stop.ChunkEnd) break;
      if (stop === Stop.Value) {
        keep(textOf(b, s.from, s.to).trim());
        s.want = false;
        i = s.to + 1;
      } else if (stop === Stop.Literal) {
        keepLiteral(b.subarray(s.from, s.to));
        i = s.to;
      } else if (stop === Stop.InString) {
        inString = true;
        // A string opened on this chunk's last byte carries nothing (and is finished where the next chunk holds it).
        if (s.from < n && stringMatters()) carry.push(Buffer.from(b.subarray(s.from, n)));
        break;
      } else if (stop === Stop.InLiteral) {
        inLiteral = true;
        carry.push(Buffer.from(b.subarray(s.from, n)));
        break;
      } else {
        fail(stop === Stop.Unbalanced ? 'unbalanced braces' : `the entry of ${ticker()} is not an object`);
        break;
      }
    }
    // A ticker still pointing into this chunk is made into text now: the caller may reuse the bytes.
    if (s.tickerBytes === b && s.tickerText === undefined) ticker();
  };

  const pushChunk = (chunk: Uint8Array | string): void => {
    if (typeof chunk !== 'string') return scan(chunk);
    let from = chunk.charCodeAt(0) === 0xfeff && !started ? 1 : 0;
    textBytes ??= Buffer.allocUnsafe(3 * TEXT_SLICE);
    while (from < chunk.length && !problem) {
      let to = Math.min(from + TEXT_SLICE, chunk.length);
      // A surrogate pair stays in one slice: cut in two, each half would be encoded as U+FFFD.
      if (to < chunk.length && (chunk.charCodeAt(to - 1) & 0xfc00) === 0xd800) to -= 1;
      // A fresh view each time: a ticker left pointing into the slice is made into text at its end.
      scan(textBytes.subarray(0, textBytes.write(chunk.slice(from, to), 'utf8')));
      from = to;
    }
  };
  /** A kept string with an escape JSON cannot read is the file's fault: reported as its problem, not thrown at the caller. */
  const badString = (e: unknown): void => {
    if (!(e instanceof SyntaxError)) throw e;
    fail('a string that is not valid JSON (a bad escape)');
  };

  return {
    /** Feeds the next chunk (a Buffer/Uint8Array of UTF-8 bytes, or text). */
    push(chunk: Uint8Array | string): void {
      if (problem) return;
      try {
        pushChunk(chunk);
      } catch (e) {
        badString(e);
      }
    },
    end(): FreezeScan {
      try {
        if (inLiteral && !problem) {
          inLiteral = false;
          keepLiteral(whole(new Uint8Array(0), 0, 0));
        }
      } catch (e) {
        badString(e);
      }
      if (!problem && (!started || s.depth !== 0 || inString)) fail(started ? 'the text ends inside a value' : 'empty');
      return problem ? { freeze: new Map(), entries: s.entries, problem: `not a Fyers JSON symbol master: ${problem}` } : { freeze, entries: s.entries };
    },
  };
}

/**
 * Every branch of the scanner (escapes, strings and literals cut by a chunk's end, nested values, a
 * byte-order mark), taken once before the real scan: V8 optimises the scan with feedback from all of
 * them instead of throwing its optimised code away at each first sighting mid-file (measured on 77 MB
 * with the single-loop scanner before `walk`: 340-390 ms without, 275-325 ms with; `walk` still has its
 * optimised code thrown away twice without it, at a compare first met mid-file). About 2 ms, once per process.
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
