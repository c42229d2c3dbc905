import type { Request, Response } from '@google-cloud/functions-framework';
import { orderUpdatesFunction } from '../../../functions/order-updates/order-updates.http';
import type { OrderUpdatesDeps } from '../../../functions/order-updates/order-updates.handler';
import { createLogger } from '../../../shared/platform/logger';

/** Fyers blacklists a postback URL for 30 minutes after non-200 answers: nothing the handler meets may become one. */
function answerOf(deps: OrderUpdatesDeps) {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    status: (s: number) => ((sent.status = s), res),
    set: () => res,
    json: (b: unknown) => ((sent.body = b), res),
  } as unknown as Response;
  const req = { method: 'POST', url: '/orderUpdates/t', originalUrl: '/orderUpdates/t', headers: {}, rawBody: Buffer.from('{"id":"1"}') } as unknown as Request;
  return orderUpdatesFunction(async () => deps)(req, res).then(() => sent);
}

it('answers 200 (ignored) when the handler itself fails, and logs it', async () => {
  const lines: string[] = [];
  const deps = {
    clock: () => 0,
    logger: createLogger({ sink: (l) => lines.push(l) }),
    headerNames: {
      take: () => {
        throw new Error('something no one foresaw');
      },
    },
  } as unknown as OrderUpdatesDeps;
  await expect(answerOf(deps)).resolves.toEqual({ status: 200, body: { status: 'ignored' } });
  expect(lines.some((l) => l.includes('postback could not be handled'))).toBe(true);
});
