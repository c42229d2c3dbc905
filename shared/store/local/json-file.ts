import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Reads a JSON file, or undefined when it does not exist yet. */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The file exists but does not hold what it should (torn, empty, `null`, hand-edited). */
export class UnreadableFileError extends Error {
  constructor(readonly file: string) {
    super(`unreadable store file ${path.basename(file)}`);
    this.name = 'UnreadableFileError';
  }
}

/**
 * Reads a JSON file that must pass `isValid`: undefined only when the file does not exist; a file that
 * exists but does not parse or validate throws UnreadableFileError, so it is never mistaken for absent.
 */
export async function readCheckedJsonFile<T>(file: string, isValid: (v: unknown) => v is T): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnreadableFileError(file);
  }
  if (!isValid(value)) throw new UnreadableFileError(file);
  return value;
}

/**
 * Writes through a temp file in the same folder and renames it over the target, so a crash mid-write
 * leaves either the old or the new content, never a torn file. `mode` 0o600 for files holding secrets.
 */
export async function writeJsonFileAtomic(file: string, value: unknown, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // flush: the data is on disk before the rename can make it the file's content.
    await writeFile(tmp, JSON.stringify(value), { mode, flush: true });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(file));
}

/** Makes a rename durable: until the folder itself is synced, a crash may forget it. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some filesystems cannot sync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/** Moves an unreadable file aside (kept for a human to inspect), so a fresh one can be written. */
export async function setAside(file: string, nowMs: number): Promise<void> {
  await rename(file, `${file}.unreadable-${nowMs}`).catch(() => undefined);
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
