import type { AccessTokenIssuer } from '../../auth/access-token.js'
import type { Db } from '../../db/create-db.js'
import type { CustomerRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { ClientAttempts } from '../../limits/attempt-limits.js'
import { findActiveCartsOfCustomers } from '../carts/cart.service.js'
import type { CartCredentials } from '../carts/cart-access.js'
import { attachCartToCustomer } from '../carts/cart-merge.service.js'
import type { WriteOrigin } from '../channels/request-origin.js'
import { type SessionTokens, startSession } from '../sessions/session.service.js'
import { authenticateCustomer, createCustomer, prepareSignUp } from './customer.service.js'

/** A cart the shopper brings to sign-up or sign-in, proven by its token, to keep or merge. */
export interface BroughtCart {
  cartId: string | null
  /** Where the sign-in comes from (channels/request-origin.ts); only used when a cart is brought. */
  origin: WriteOrigin
  credentials: CartCredentials
}

export interface SignedIn extends SessionTokens {
  customer: CustomerRow
  /** The customer's active cart after the brought cart joined it, if they have one. */
  activeCartId: string | null
}

export interface CustomerSessionDeps {
  db: Db
  accessTokens: AccessTokenIssuer
  attempts: ClientAttempts
}

/**
 * Opens an account and its first session. The password is hashed before the transaction, which
 * creates the account and attaches the brought cart together: a cart that cannot be attached
 * leaves no half-made account behind.
 */
export async function signUpCustomer(
  deps: CustomerSessionDeps,
  input: { email: string; password: string; name: string; phone: string | null; cart: BroughtCart },
): Promise<SignedIn> {
  const prepared = await prepareSignUp(input)
  const { customer, activeCartId } = await inTransaction(deps.db, async (trx) => {
    const created = await createCustomer(trx, { ...prepared, name: input.name, phone: input.phone })
    return { customer: created, activeCartId: await attachBroughtCart(trx, created.id, input.cart) }
  })
  return { customer, activeCartId, ...(await startCustomerSession(deps, customer)) }
}

/** Checks the password (the attempt counted first), merges the brought cart, opens a session. */
export async function signInCustomer(
  deps: CustomerSessionDeps,
  input: { email: string; password: string; cart: BroughtCart },
): Promise<SignedIn> {
  const customer = await authenticateCustomer(deps.db, input.email, input.password, deps.attempts)
  const activeCartId = await inTransaction(deps.db, (trx) => attachBroughtCart(trx, customer.id, input.cart))
  return { customer, activeCartId, ...(await startCustomerSession(deps, customer)) }
}

/** The customer's active cart id after attaching the cart brought to sign-in, if any. */
async function attachBroughtCart(trx: Trx, customerId: string, cart: BroughtCart): Promise<string | null> {
  if (!cart.cartId) return (await findActiveCartsOfCustomers(trx, [customerId]))[0]?.id ?? null
  return attachCartToCustomer(trx, {
    cartId: cart.cartId,
    credentials: cart.credentials,
    customerId,
    ...cart.origin,
  })
}

function startCustomerSession(deps: CustomerSessionDeps, customer: CustomerRow): Promise<SessionTokens> {
  return startSession(deps.db, deps.accessTokens, { kind: 'customer', customerId: customer.id })
}
