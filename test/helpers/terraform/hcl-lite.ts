/**
 * Just enough HCL reading for consistency tests: blocks, attributes and object literals, with strings
 * (including `${...}` interpolation), heredocs and comments skipped correctly. It does not evaluate
 * expressions; attribute values come back as their source text.
 */
export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  /** Source text between the braces. */
  raw: string;
}

export interface HclBody {
  attributes: Record<string, string>;
  blocks: HclBlock[];
}

/** Index just past the string that opens at `i` (a `"`), honouring escapes and nested interpolation. */
function skipString(src: string, i: number): number {
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') j += 2;
    else if (c === '"') return j + 1;
    else if ((c === '$' || c === '%') && src[j + 1] === '{') j = skipUntilClose(src, j + 2, '}');
    else j++;
  }
  throw new Error(`unterminated string starting at offset ${i}`);
}

/** Index just past the heredoc whose `<<` is at `i`, or undefined when `i` does not start one. */
function skipHeredoc(src: string, i: number): number | undefined {
  const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n/.exec(src.slice(i, i + 100));
  if (!m) return undefined;
  const marker = m[1]!;
  let j = i + m[0].length;
  while (j < src.length) {
    const nl = src.indexOf('\n', j);
    const line = src.slice(j, nl === -1 ? src.length : nl);
    if (line.trim() === marker) return j + line.length;
    if (nl === -1) break;
    j = nl + 1;
  }
  throw new Error(`unterminated heredoc ${marker}`);
}

/** Index just past the `close` matching an already-consumed opener, with `i` just inside it. */
function skipUntilClose(src: string, i: number, close: string): number {
  const stack = [close];
  let j = i;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '"') {
      j = skipString(src, j);
      continue;
    }
    if (c === '<' && src[j + 1] === '<') {
      const end = skipHeredoc(src, j);
      if (end !== undefined) {
        j = end;
        continue;
      }
    }
    if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '(') stack.push(')');
    else if (c === '}' || c === ']' || c === ')') {
      if (stack.pop() !== c) throw new Error(`unbalanced "${c}" at offset ${j}`);
      if (stack.length === 0) return j + 1;
    }
    j++;
  }
  throw new Error(`missing "${close}"`);
}

/** Replaces comments with spaces (keeping offsets and line breaks) so later scans never see them. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (c === '<' && src[i + 1] === '<' && skipHeredoc(src, i) !== undefined) {
      const end = skipHeredoc(src, i)!;
      out += src.slice(i, end);
      i = end;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      const nl = src.indexOf('\n', i);
      const end = nl === -1 ? src.length : nl;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      const end = close === -1 ? src.length : close + 2;
      out += src.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** End (exclusive) of an attribute value starting at `i`: the first newline or comma outside brackets. */
function endOfExpression(src: string, i: number): number {
  let j = i;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '\n' || c === ',') return j;
    if (c === '"') j = skipString(src, j);
    else if (c === '{') j = skipUntilClose(src, j + 1, '}');
    else if (c === '[') j = skipUntilClose(src, j + 1, ']');
    else if (c === '(') j = skipUntilClose(src, j + 1, ')');
    else if (c === '<' && src[j + 1] === '<' && skipHeredoc(src, j) !== undefined) j = skipHeredoc(src, j)!;
    else if (c === '}' || c === ']' || c === ')') return j;
    else j++;
  }
  return j;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Parses a body (a file, a block's inside, or an object literal's inside). Comments must be stripped. */
export function parseBody(src: string): HclBody {
  const body: HclBody = { attributes: {}, blocks: [] };
  let i = 0;
  const skipBlank = () => {
    while (i < src.length && /[\s,]/.test(src[i]!)) i++;
  };
  const readName = (): string | undefined => {
    if (src[i] === '"') {
      const end = skipString(src, i);
      const name = src.slice(i + 1, end - 1);
      i = end;
      return name;
    }
    const m = IDENT.exec(src.slice(i, i + 200));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };

  while (true) {
    skipBlank();
    if (i >= src.length) return body;
    const name = readName();
    if (name === undefined) throw new Error(`unexpected "${src[i]}" at offset ${i}: ${src.slice(i, i + 40)}`);
    while (src[i] === ' ' || src[i] === '\t') i++;
    if ((src[i] === '=' && src[i + 1] !== '=') || src[i] === ':') {
      i++;
      const end = endOfExpression(src, i);
      body.attributes[name] = src.slice(i, end).trim();
      i = end;
      continue;
    }
    const labels: string[] = [];
    while (src[i] !== '{') {
      while (src[i] === ' ' || src[i] === '\t') i++;
      if (src[i] === '{') break;
      const label = readName();
      if (label === undefined) throw new Error(`expected a block label or "{" after ${name} at offset ${i}`);
      labels.push(label);
    }
    const end = skipUntilClose(src, i + 1, '}');
    const raw = src.slice(i + 1, end - 1);
    body.blocks.push({ type: name, labels, raw, body: parseBody(raw) });
    i = end;
  }
}

/** Parses an HCL file. */
export function parseHcl(text: string): HclBody {
  return parseBody(stripComments(text));
}

/** `{ a = 1 }` → its inside as a body; throws when the expression is not an object literal. */
export function parseObject(expr: string): HclBody {
  const t = expr.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) throw new Error(`not an object literal: ${t.slice(0, 40)}`);
  return parseBody(t.slice(1, -1));
}

/** `"abc"` → `abc`; anything that is not a plain string literal → undefined. */
export function unquote(expr: string | undefined): string | undefined {
  if (expr === undefined) return undefined;
  const m = /^"([^"$%\\]*)"$/.exec(expr.trim());
  return m ? m[1] : undefined;
}

/**
 * Removes the `key = { ... }` entry from the object assigned to the first attribute `objectName`
 * in `text` (for tests that need a configuration with one entry fewer). Throws if either is absent.
 */
export function removeObjectEntry(text: string, objectName: string, key: string): string {
  const open = new RegExp(`\\b${objectName}\\s*=\\s*\\{`).exec(text);
  if (!open) throw new Error(`no object ${objectName}`);
  const objStart = open.index + open[0].length;
  const objEnd = skipUntilClose(text, objStart, '}');
  const entry = new RegExp(`(^|\\n)([ \\t]*)"?${key}"?\\s*=\\s*\\{`).exec(text.slice(objStart, objEnd));
  if (!entry) throw new Error(`no entry ${key} in ${objectName}`);
  const from = objStart + entry.index + entry[1]!.length;
  const to = skipUntilClose(text, objStart + entry.index + entry[0].length, '}');
  return text.slice(0, from) + text.slice(to);
}
