/**
 * Login throttling, two ways. Per account: 5 consecutive failures lock it for 15 minutes, kept in
 * `users.failed_logins` / `users.locked_until` so every console process on the database sees it.
 * Per client address (in memory, per process): 20 failures within 5 minutes answer 429 with
 * Retry-After until the oldest of them leaves the window.
 */
import type { Database } from '../db/database.ts';
import type { User } from './users.ts';

export const MAX_CONSECUTIVE_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;
export const IP_MAX_FAILURES = 20;
export const IP_WINDOW_MS = 5 * 60 * 1000;
/** Addresses tracked at most; beyond it, the stalest are forgotten (bounded memory under a spray). */
const MAX_TRACKED_ADDRESSES = 10_000;

export interface LoginLimiter {
  /** Seconds the address must wait before trying again, or undefined when it may try now. */
  ipRetryAfterSeconds(ip: string): number | undefined;
  recordIpFailure(ip: string): void;
  /** Whether the account is locked now. */
  isLocked(user: User): boolean;
  /** Counts a wrong password; returns true when this failure locked the account. */
  recordUserFailure(userId: string): Promise<boolean>;
  /** A successful login: the count starts again. */
  recordUserSuccess(userId: string): Promise<void>;
}

export function createLoginLimiter(db: Database, now: () => number = Date.now): LoginLimiter {
  /** Failure times (ms) per address, oldest first, within the window. */
  const failures = new Map<string, number[]>();
  const recent = (ip: string): number[] => {
    const times = (failures.get(ip) ?? []).filter((at) => now() - at < IP_WINDOW_MS);
    if (times.length === 0) failures.delete(ip);
    else failures.set(ip, times);
    return times;
  };
  return {
    ipRetryAfterSeconds(ip) {
      const times = recent(ip);
      if (times.length < IP_MAX_FAILURES) return undefined;
      const oldest = times[times.length - IP_MAX_FAILURES] as number;
      return Math.max(1, Math.ceil((oldest + IP_WINDOW_MS - now()) / 1000));
    },
    recordIpFailure(ip) {
      const times = recent(ip);
      times.push(now());
      // Only the last IP_MAX_FAILURES matter for the decision.
      failures.delete(ip);
      failures.set(ip, times.slice(-IP_MAX_FAILURES));
      if (failures.size > MAX_TRACKED_ADDRESSES) {
        const stalest = failures.keys().next().value;
        if (stalest !== undefined) failures.delete(stalest);
      }
    },
    isLocked(user) {
      return user.lockedUntil !== null && user.lockedUntil > now();
    },
    async recordUserFailure(userId) {
      // One statement, so two processes counting at once cannot lose a failure; SET reads the old values.
      await db.run(
        `UPDATE users SET
           failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
         WHERE id = $1`,
        [userId, MAX_CONSECUTIVE_FAILURES, now() + LOCK_MS],
      );
      const row = await db.get<{ locked_until: number | null }>(
        'SELECT locked_until FROM users WHERE id = $1',
        [userId],
      );
      return row?.locked_until != null && Number(row.locked_until) > now();
    },
    async recordUserSuccess(userId) {
      await db.run(
        'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL)',
        [userId],
      );
    },
  };
}
