import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { AuditEntry, AuditLog, NoiseCount } from '../audit.port';
import { fileLocks } from './keyed-mutex';

const DEFAULT_LIMIT = 100;

/**
 * Audit entries as JSON lines, one file per IST day (`<dir>/audit/YYYY-MM-DD.jsonl`), so reading a
 * day never scans history. Re-recording a requestId supersedes the earlier line, as the Firestore
 * store overwrites the document with the same id.
 */
export function createLocalAuditLog(dir: string): AuditLog {
  const root = path.resolve(dir, 'audit');
  const fileFor = (day: string) => {
    // The day becomes a file name: accept only the calendar-date shape.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`audit day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    return path.join(root, `${day}.jsonl`);
  };
  const noiseFileFor = (day: string) => fileFor(day).replace(/\.jsonl$/, '.noise.json');
  const readNoise = async (file: string): Promise<Record<string, NoiseCount>> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as Record<string, NoiseCount>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  };

  return {
    async record(entry: AuditEntry): Promise<void> {
      const file = fileFor(entry.day);
      await fileLocks.run(file, async () => {
        await mkdir(root, { recursive: true });
        await appendFile(file, JSON.stringify(entry) + '\n', 'utf8');
      });
    },

    async list(query: { day: string; status?: string; limit?: number }): Promise<AuditEntry[]> {
      const file = fileFor(query.day);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const byRequest = new Map<string, AuditEntry>();
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as AuditEntry;
          byRequest.set(entry.requestId, entry);
        } catch {
          // A crash mid-append can leave a torn last line; the rest of the day is still readable.
        }
      }
      return [...byRequest.values()]
        .filter((e) => query.status === undefined || e.status === query.status)
        .sort((a, b) => b.receivedAt - a.receivedAt)
        .slice(0, query.limit ?? DEFAULT_LIMIT);
    },

    async countNoise(day: string, hour: number, source: string): Promise<void> {
      const file = noiseFileFor(day);
      await fileLocks.run(file, async () => {
        await mkdir(root, { recursive: true });
        const counts = await readNoise(file);
        const key = `${hour}|${source}`;
        counts[key] = { day, hour, source, count: (counts[key]?.count ?? 0) + 1 };
        await writeFile(file, JSON.stringify(counts), 'utf8');
      });
    },

    async noise(day: string): Promise<NoiseCount[]> {
      return Object.values(await readNoise(noiseFileFor(day)));
    },
  };
}
