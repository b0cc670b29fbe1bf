import { hashPassword, verifyPassword } from '../../auth/password.js'
import type { Db } from '../../db/create-db.js'
import type { StaffPasswordTokenPurpose, StaffRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { ClientAttempts } from '../../limits/attempt-limits.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { passwordWeakness } from '../customers/password-policy.js'
import { queueStaffLinkNotification } from '../notifications/notification.service.js'
import { endSessionsOfStaff } from '../sessions/session.service.js'
import { InvalidResetTokenError, WeakStaffPasswordError, WrongCurrentPasswordError } from './staff.errors.js'
import * as staffRepository from './staff.repository.js'
import { LINK_LIFETIME_MS, linkSecretMatches, newLinkSecret, parseLinkToken } from './staff-link.js'
import * as tokenRepository from './staff-password-token.repository.js'

/**
 * Creates a one-time link for the member and queues the mail carrying it, in the caller's
 * transaction: the link exists exactly when its message does.
 */
export async function issuePasswordLink(
  trx: Trx,
  member: Pick<StaffRow, 'id' | 'email'>,
  purpose: StaffPasswordTokenPurpose,
  now: Date,
): Promise<void> {
  const { secret, secretHash } = newLinkSecret()
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS[purpose])
  const tokenId = await tokenRepository.insertPasswordToken(trx, { staffId: member.id, purpose, secretHash, expiresAt })
  await queueStaffLinkNotification(trx, { passwordTokenId: tokenId, purpose, recipient: member.email, secret, now })
}

/**
 * Sends a reset link to an active member with this email. The answer is the same whether or not
 * one exists; the request is counted first (per client, per email and per pair), whoever it names.
 */
export async function requestPasswordReset(
  deps: { db: Db; attempts: ClientAttempts; now: Date; clientAddress: string },
  email: string,
): Promise<void> {
  await deps.attempts.passwordReset('staff', email)
  await inTransaction(deps.db, async (trx) => {
    const member = await staffRepository.findStaffByEmail(trx, email.trim())
    if (!member?.active) return
    await issuePasswordLink(trx, member, 'RESET', deps.now)
    await recordAudit(trx, selfAuthor(member.id, deps.clientAddress), {
      entity: 'staff',
      entityId: member.id,
      action: 'PASSWORD_RESET_REQUESTED',
      before: null,
      after: null,
    })
  })
}

/**
 * Sets the password of the link's member and spends every open link of theirs, signs them out
 * everywhere, in one transaction under the link's lock. The password is checked and hashed
 * before it, so no lock waits on scrypt.
 */
export async function setPasswordWithLink(
  deps: { db: Db; now: Date; clientAddress: string },
  input: { token: string; password: string },
): Promise<StaffRow> {
  const parsed = parseLinkToken(input.token)
  if (!parsed) throw new InvalidResetTokenError()
  const link = await usableLink(deps.db, parsed, deps.now)
  const weakness = passwordWeakness(input.password, link.member.email)
  if (weakness) throw new WeakStaffPasswordError(weakness, 'password')
  const passwordHash = await hashPassword(input.password)
  return inTransaction(deps.db, async (trx) => {
    const token = await tokenRepository.lockPasswordToken(trx, parsed.tokenId)
    if (!token || token.used_at !== null || new Date(token.expires_at) <= deps.now) throw new InvalidResetTokenError()
    await tokenRepository.spendPasswordTokensOfStaff(trx, token.staff_id, deps.now)
    const member = await staffRepository.updateStaff(trx, token.staff_id, { passwordHash })
    await endSessionsOfStaff(trx, member.id)
    await recordAudit(trx, selfAuthor(member.id, deps.clientAddress), {
      entity: 'staff',
      entityId: member.id,
      action: token.purpose === 'INVITE' ? 'PASSWORD_SET' : 'PASSWORD_RESET',
      before: null,
      after: null,
    })
    return member
  })
}

/**
 * A signed-in member's own new password. The current one is a guess like a sign-in's, counted
 * first; the caller's session stays, the member's others end.
 */
export async function changeOwnPassword(
  deps: { db: Db; attempts: ClientAttempts; clientAddress: string; now: Date },
  input: { staffId: string; sessionId: string; currentPassword: string; newPassword: string },
): Promise<StaffRow> {
  const [member] = await staffRepository.findStaffByIds(deps.db, [input.staffId])
  if (!member) throw new WrongCurrentPasswordError()
  const attempt = await deps.attempts.signIn('staff', member.email)
  if (!member.password_hash || !(await verifyPassword(input.currentPassword, member.password_hash))) {
    throw new WrongCurrentPasswordError()
  }
  await attempt.succeeded()
  const weakness = passwordWeakness(input.newPassword, member.email)
  if (weakness) throw new WeakStaffPasswordError(weakness, 'newPassword')
  const passwordHash = await hashPassword(input.newPassword)
  return inTransaction(deps.db, async (trx) => {
    const changed = await staffRepository.updateStaff(trx, member.id, { passwordHash })
    await tokenRepository.spendPasswordTokensOfStaff(trx, member.id, deps.now)
    await endSessionsOfStaff(trx, member.id, input.sessionId)
    await recordAudit(trx, selfAuthor(member.id, deps.clientAddress), {
      entity: 'staff',
      entityId: member.id,
      action: 'PASSWORD_CHANGE',
      before: null,
      after: null,
    })
    return changed
  })
}

/** What the mail of a queued link needs, or why it must not be sent any more. */
export async function passwordLinkToSend(
  db: Db,
  tokenId: string,
  now: Date,
): Promise<{ name: string; purpose: StaffPasswordTokenPurpose; expiresAt: Date } | string> {
  const token = await tokenRepository.findPasswordToken(db, tokenId)
  if (!token) return 'the link no longer exists'
  if (token.used_at !== null) return 'the link was already used'
  const expiresAt = new Date(token.expires_at)
  if (expiresAt <= now) return 'the link expired before it could be sent'
  const [member] = await staffRepository.findStaffByIds(db, [token.staff_id])
  if (!member?.active) return 'the staff member is no longer active'
  return { name: member.name, purpose: token.purpose, expiresAt }
}

/** The link's token and member, when it can still set a password; its lock is taken later. */
async function usableLink(db: Db, parsed: { tokenId: string; secret: string }, now: Date) {
  const token = await tokenRepository.findPasswordToken(db, parsed.tokenId)
  // The hash is compared whatever else is wrong, so every refusal costs the same.
  const matches = linkSecretMatches(parsed.secret, token?.secret_hash ?? '')
  if (!token || !matches || token.used_at !== null || new Date(token.expires_at) <= now) {
    throw new InvalidResetTokenError()
  }
  const [member] = await staffRepository.findStaffByIds(db, [token.staff_id])
  if (!member?.active) throw new InvalidResetTokenError()
  return { token, member }
}

/** A change a member makes to their own account, proven by a link or their password. */
function selfAuthor(staffId: string, clientAddress: string): AuditAuthor {
  return { actor: { type: 'STAFF', id: staffId }, channel: 'BACK_OFFICE', clientAddress }
}
