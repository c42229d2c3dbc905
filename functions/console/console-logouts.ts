import type { LeaseStore } from '../../shared/store/lease.port';

/**
 * Server-side logout for the console's stateless session cookies: a logged-out session must stop
 * working on every instance, not only in the browser that dropped its cookie. Kept in the lease store
 * (shared by all instances, entries lapse by themselves): each live session holds a lease named after
 * its id as `live`; logout hands that lease to `revoked` until the session would have expired, after
 * which no check can take it back.
 */
export interface ConsoleLogouts {
  /** Marks a session as live (at login); false only if it was revoked already. */
  stillLive(sessionId: string, expiresAt: number, nowMs: number): Promise<boolean>;
  revoke(sessionId: string, expiresAt: number, nowMs: number): Promise<void>;
}

const LIVE = 'live';
const REVOKED = 'revoked';
const nameOf = (id: string) => `console-session-${id}`;

export function consoleLogoutsOn(leases: LeaseStore): ConsoleLogouts {
  return {
    stillLive: (id, expiresAt, now) => leases.tryAcquire(nameOf(id), LIVE, Math.max(1, expiresAt - now), now),
    async revoke(id, expiresAt, now) {
      const ttl = Math.max(1, expiresAt - now);
      // A check may retake the lease as live between release and acquire: try again.
      for (let attempt = 0; attempt < 5; attempt++) {
        await leases.release(nameOf(id), LIVE);
        if (await leases.tryAcquire(nameOf(id), REVOKED, ttl, now)) return;
      }
      throw new Error('could not record the console logout');
    },
  };
}
