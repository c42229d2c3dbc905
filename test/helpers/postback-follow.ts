import { handleOrderUpdate, type OrderUpdateRequest, type OrderUpdatesDeps } from '../../functions/order-updates/order-updates.handler';
import type { HttpReply } from '../../functions/http-response';

/**
 * orderUpdates answers before it follows a postback (issue 22: the answer never waits on a store
 * transaction or a broker read). A test that checks what the postback led to waits for that work here:
 * these deps hand the instance's background work to the instance as before, and also keep it, so
 * `followed()` resolves once every follow-up started so far (exits and events included) has ended.
 */
export function followablePostbacks(deps: OrderUpdatesDeps): { deps: OrderUpdatesDeps; followed(): Promise<void>; post(req: OrderUpdateRequest): Promise<HttpReply> } {
  const pending = new Set<Promise<unknown>>();
  const inner = deps.background;
  const tracked: OrderUpdatesDeps = {
    ...deps,
    background: (work) => {
      const done = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(done);
      void done.then(() => pending.delete(done));
      inner?.(work);
    },
  };
  const followed = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };
  return {
    deps: tracked,
    followed,
    /** Posts, then waits for what the postback started: the answer, with its effects in place. */
    post: async (req) => {
      const reply = await handleOrderUpdate(tracked, req);
      await followed();
      return reply;
    },
  };
}
