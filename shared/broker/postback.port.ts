import type { OrderReport } from './broker.port';

/** The broker's order postbacks: whether one is authentic, and what it says (Fyers: fyers.postback.ts). */
export interface PostbackReader {
  verify(raw: Buffer, headers: Record<string, string | string[] | undefined>, secret: string): boolean;
  parse(raw: Buffer): { ok: true; report: OrderReport } | { ok: false; reason: string };
}
