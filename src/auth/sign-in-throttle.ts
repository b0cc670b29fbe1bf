import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'
import { TooManyAttemptsError } from './sign-in.errors.js'

/** After this many failures inside the window, the email is locked for LOCK_MINUTES. */
const MAX_FAILURES = 5
const WINDOW_MINUTES = 15
const LOCK_MINUTES = 15

function keyOf(scope: 'customer' | 'staff', email: string): string {
  return `${scope}:${email.trim().toLowerCase()}`
}

/**
 * Refuses while the email is locked out. Counting is per email in the database, so every
 * instance agrees and guessing one account's password is slowed whichever instance is asked.
 */
export async function assertSignInAllowed(
  db: Db,
  scope: 'customer' | 'staff',
  email: string,
  now: Date,
): Promise<void> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .select('locked_until')
    .where('email_key', '=', keyOf(scope, email))
    .executeTakeFirst()
  const lockedUntil = row?.locked_until ? new Date(row.locked_until) : null
  if (lockedUntil && lockedUntil > now) throw new TooManyAttemptsError(lockedUntil)
}

/** Counts one failure atomically (an upsert), locking the email when the window fills up. */
export async function recordSignInFailure(
  db: Db,
  scope: 'customer' | 'staff',
  email: string,
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MINUTES * 60_000)
  const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000)
  await db
    .insertInto('sign_in_throttle')
    .values({ email_key: keyOf(scope, email), failures: 1, window_started_at: now, locked_until: null })
    .onConflict((oc) =>
      oc.column('email_key').doUpdateSet({
        failures: sql`CASE WHEN sign_in_throttle.window_started_at < ${windowStart} THEN 1 ELSE sign_in_throttle.failures + 1 END`,
        window_started_at: sql`CASE WHEN sign_in_throttle.window_started_at < ${windowStart} THEN ${now} ELSE sign_in_throttle.window_started_at END`,
        locked_until: sql`CASE WHEN sign_in_throttle.window_started_at >= ${windowStart} AND sign_in_throttle.failures + 1 >= ${MAX_FAILURES} THEN ${lockUntil}::timestamptz ELSE NULL END`,
      }),
    )
    .execute()
}

export async function clearSignInFailures(db: Db, scope: 'customer' | 'staff', email: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('email_key', '=', keyOf(scope, email)).execute()
}
