import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { OrderReport } from '../../broker/broker.port';
import { OPEN_RECORD_STATES, type OrderRecordStore, type RecordMutation, type StoredOrderEvent, type StoredOrderRecord } from '../order-records.port';
import type { StoreHealth } from '../store-health';
import { readCheckedJsonFile, readJsonFile, removeFile, UnreadableFileError, writeJsonFileAtomic } from './json-file';
import { fileLocks } from './keyed-mutex';

interface OutboxFile<E> {
  event: E;
  recordedAt: number;
  published: boolean;
  publishedAt?: number;
  claim?: { owner: string; until: number };
}

/**
 * Order records for local runs, one JSON file each under `<dir>/records`, the outbox under
 * `<dir>/outbox`. One process only (see KeyedMutex); the record lock also covers its events.
 */
export function createLocalOrderRecordStore<R extends StoredOrderRecord, E extends StoredOrderEvent>(dir: string, health?: StoreHealth): OrderRecordStore<R, E> {
  const root = path.resolve(dir);
  const isRecord = (v: unknown): v is R =>
    typeof v === 'object' && v !== null && typeof (v as R).id === 'string' && typeof (v as R).state === 'string' && typeof (v as R).version === 'number';
  /**
   * A record file that exists but does not hold a record (torn, `null`, hand-edited) is an error the
   * operator is told about, never "no record": a fill applied to nothing would be silently lost.
   */
  const readRecord = async (f: string): Promise<R | undefined> => {
    try {
      return await readCheckedJsonFile(f, isRecord);
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      const id = decodeURIComponent(path.basename(f, '.json'));
      health?.unreadable(`order-record/${id}`, `Order record ${id} is unreadable: its postbacks and reconciles are refused until it is repaired (check the order at the broker)`, () =>
        readCheckedJsonFile(f, isRecord).then(() => true, () => false),
      );
      throw e;
    }
  };
  /** Lists skip an unreadable record (reported above) so every other order is still followed. */
  const readListed = (f: string) => readRecord(f).catch((e: unknown) => {
    if (e instanceof UnreadableFileError) return undefined;
    throw e;
  });
  const ORPHAN_LOCK = path.join(root, 'orphans.lock');
  const file = (sub: string, id: string) => path.join(root, sub, `${encodeURIComponent(id)}.json`);
  const listDir = async (sub: string) => {
    try {
      return (await readdir(path.join(root, sub))).filter((f) => f.endsWith('.json'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  };

  return {
    get: (id) => readRecord(file('records', id)),

    mutate<T>(id: string, decide: (current: R | undefined) => RecordMutation<T, R, E>): Promise<T> {
      const f = file('records', id);
      return fileLocks.run(f, async () => {
        const m = decide(await readRecord(f));
        for (const event of m.events ?? []) {
          await writeJsonFileAtomic(file('outbox', event.eventId), { event, recordedAt: event.recordedAt, published: false } satisfies OutboxFile<E>);
        }
        if (m.record) await writeJsonFileAtomic(f, m.record);
        return m.result;
      });
    },

    async listOpen() {
      const out: R[] = [];
      for (const name of await listDir('records')) {
        const r = await readListed(path.join(root, 'records', name));
        if (r && (OPEN_RECORD_STATES as readonly string[]).includes(r.state)) out.push(r);
      }
      return out;
    },

    async listExitsActive() {
      const out: R[] = [];
      for (const name of await listDir('records')) {
        const r = await readListed(path.join(root, 'records', name));
        if (r?.exitsActive) out.push(r);
      }
      return out;
    },

    async listCreatedBetween(fromMs, toMs) {
      const out: R[] = [];
      for (const name of await listDir('records')) {
        const r = await readJsonFile<R>(path.join(root, 'records', name));
        if (r && r.createdAt !== undefined && r.createdAt >= fromMs && r.createdAt < toMs) out.push(r);
      }
      return out.sort((a, b) => a.createdAt! - b.createdAt!);
    },

    async unpublished(limit) {
      const out: OutboxFile<E>[] = [];
      for (const name of await listDir('outbox')) {
        const e = await readJsonFile<OutboxFile<E>>(path.join(root, 'outbox', name));
        if (e && !e.published) out.push(e);
      }
      return out.sort((a, b) => a.recordedAt - b.recordedAt).slice(0, limit).map((e) => e.event);
    },

    async unpublishedOf(recordId) {
      // Outbox event ids are `<recordId>:<version>`: read only this record's files, newest version first, stopping at a published one.
      const out: E[] = [];
      const rec = await readJsonFile<R>(file('records', recordId));
      for (let v = rec?.version ?? 0; v >= 1; v--) {
        const e = await readJsonFile<OutboxFile<E>>(file('outbox', `${recordId}:${v}`));
        if (!e) continue;
        if (e.published) break;
        out.push(e.event);
      }
      return out.reverse();
    },

    claimPublish(eventId, owner, nowMs, leaseMs) {
      const f = file('outbox', eventId);
      return fileLocks.run(f, async () => {
        const e = await readJsonFile<OutboxFile<E>>(f);
        if (!e || e.published) return false;
        if (e.claim && e.claim.owner !== owner && e.claim.until > nowMs) return false;
        await writeJsonFileAtomic(f, { ...e, claim: { owner, until: nowMs + leaseMs } });
        return true;
      });
    },

    async markPublished(eventId, nowMs) {
      const f = file('outbox', eventId);
      await fileLocks.run(f, async () => {
        const e = await readJsonFile<OutboxFile<E>>(f);
        if (e) await writeJsonFileAtomic(f, { ...e, published: true, publishedAt: nowMs });
      });
    },

    // One lock for both: locally that is what makes "no record yet → keep the report" atomic with create.
    saveOrphan(report: OrderReport, recordIds: string[]) {
      return fileLocks.run(ORPHAN_LOCK, async () => {
        for (const id of recordIds) if (await readRecord(file('records', id))) return false;
        const f = file('orphans', report.orderId);
        const prev = await readJsonFile<OrderReport>(f);
        if (!prev || prev.filledQty <= report.filledQty) await writeJsonFileAtomic(f, report);
        return true;
      });
    },

    create<T>(id: string, orderId: string | undefined, build: (early: OrderReport | undefined) => RecordMutation<T, R, E>): Promise<T | undefined> {
      const f = file('records', id);
      return fileLocks.run(ORPHAN_LOCK, () =>
        fileLocks.run(f, async () => {
          if (await readRecord(f)) return undefined;
          const of = orderId ? file('orphans', orderId) : undefined;
          const early = of ? await readJsonFile<OrderReport>(of) : undefined;
          const m = build(early);
          for (const event of m.events ?? []) {
            await writeJsonFileAtomic(file('outbox', event.eventId), { event, recordedAt: event.recordedAt, published: false } satisfies OutboxFile<E>);
          }
          if (m.record) await writeJsonFileAtomic(f, m.record);
          if (early && of) await removeFile(of);
          return m.result;
        }),
      );
    },
  };
}
