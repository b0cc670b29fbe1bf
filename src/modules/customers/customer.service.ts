import { z } from 'zod'
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../auth/password.js'
import { InvalidCredentialsError } from '../../auth/sign-in.errors.js'
import type { Db } from '../../db/create-db.js'
import type { CustomerRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { ClientAttempts } from '../../limits/attempt-limits.js'
import { recordEvent } from '../events/event.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { EmailTakenError, InvalidEmailError, WeakPasswordError } from './customer.errors.js'
import * as customerRepository from './customer.repository.js'
import { passwordWeakness } from './password-policy.js'
import * as timelineRepository from './timeline.repository.js'

export type { TimelineRow } from './timeline.repository.js'

const emailSchema = z.email().max(254)

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Whether a normalised email is one we accept for an account (a customer's or a staff member's). */
export function isValidEmail(email: string): boolean {
  return emailSchema.safeParse(email).success
}

/** Validates and hashes before the transaction, so the ~40 ms of scrypt holds no lock. */
export async function prepareSignUp(input: {
  email: string
  password: string
}): Promise<{ email: string; passwordHash: string }> {
  const email = normaliseEmail(input.email)
  if (!isValidEmail(email)) throw new InvalidEmailError()
  const weakness = passwordWeakness(input.password, email)
  if (weakness) throw new WeakPasswordError(weakness)
  return { email, passwordHash: await hashPassword(input.password) }
}

/** Creates the account; emails are unique whatever their case. */
export async function createCustomer(
  trx: Trx,
  input: { email: string; passwordHash: string; name: string; phone?: string | null },
): Promise<CustomerRow> {
  const customer = await customerRepository.insertCustomer(trx, input)
  if (!customer) throw new EmailTakenError()
  // For the retailer's other systems (webhooks): ids only, the document is read when consumed.
  await recordEvent(trx, {
    type: 'customer.created',
    aggregateType: 'customer',
    aggregateId: customer.id,
    payload: { customerId: customer.id },
  })
  return customer
}

/**
 * The customer with this email and password. The attempt is counted before the password is
 * checked (see attempt-limits.ts), so parallel guesses cannot outrun the limit. Unknown emails
 * still pay for a hash check.
 */
export async function authenticateCustomer(
  db: Db,
  email: string,
  password: string,
  attempts: ClientAttempts,
): Promise<CustomerRow> {
  const attempt = await attempts.signIn('customer', email)
  const customer = await customerRepository.findCustomerByEmail(db, normaliseEmail(email))
  const matches = await verifyPassword(password, customer?.password_hash ?? (await decoyPasswordHash()))
  if (!customer || !matches) throw new InvalidCredentialsError()
  await attempt.succeeded()
  return customer
}

export function lockCustomer(trx: Trx, customerId: string): Promise<void> {
  return customerRepository.lockCustomer(trx, customerId)
}

/**
 * Locks a customer's row for a change of their own settings and answers it; NotFoundError when
 * they are unknown or erased. Changes to one customer then run one after the other.
 */
export async function lockLiveCustomer(trx: Trx, customerId: string): Promise<CustomerRow> {
  await customerRepository.lockCustomer(trx, customerId)
  const [customer] = await customerRepository.findCustomersByIds(trx, [customerId])
  if (!customer || customer.erased_at) throw new NotFoundError('Customer', customerId)
  return customer
}

export function findCustomersByIds(db: Db, ids: readonly string[]): Promise<CustomerRow[]> {
  return customerRepository.findCustomersByIds(db, ids)
}

export function findTimeline(db: Db, customerId: string, limit: number) {
  return timelineRepository.findTimeline(db, customerId, limit)
}

export function lookupCustomers(db: Db, query: string) {
  return timelineRepository.findCustomersByContact(db, query, 20)
}
