import { t } from './i18n.js'
import type { Order, PickListLine, Staff, Store, UserError } from './types.js'

/**
 * The board's GraphQL operations and the one way it sends them: POST to its own origin, the token
 * in a header (never in a URL), no cookies, no cache.
 */
export const GRAPHQL_URL = '/graphql'

const ORDER_FIELDS =
  'id number status paymentMode pickupSlotStart pickupSlotEnd isLate atRisk arrivedAt waitingMinutes ' +
  'total { amount currencyCode } lines { sku title quantity }'
const STAFF_FIELDS = 'id name role locale stores { id code name timeZone }'

export interface TokenPayload {
  accessToken: string | null
  expiresAt: string | null
  refreshToken: string | null
  userErrors: UserError[]
}

export interface OrderChangePayload {
  order: { id: string; status: string; number?: string } | null
  userErrors: UserError[]
}

export interface CollectInput {
  orderId: string
  pickupCode: string
  payment?: { method: 'CASH'; amountTendered: string }
}

type NoVariables = Record<string, never>

/** Variables and data of each operation, so a caller cannot send or read a field the query lacks. */
interface Operations {
  signIn: { variables: { input: { email: string; password: string } }; data: { staffSignIn: TokenPayload } }
  renew: { variables: { input: { refreshToken: string } }; data: { tokenRefresh: TokenPayload } }
  signOut: { variables: { input: { refreshToken: string } }; data: { staffSignOut: { signedOut: boolean } } }
  staffMe: { variables: NoVariables; data: { staffMe: Staff | null } }
  stores: { variables: NoVariables; data: { stores: { edges: { node: Store }[] } } }
  store: { variables: { id: string }; data: { store: Store | null } }
  queue: { variables: { storeId: string }; data: { storeOrders: { edges: { node: Order }[] } } }
  pickList: { variables: { storeId: string }; data: { pickList: PickListLine[] } }
  live: { variables: { storeId: string }; data: { storeQueueUpdated: { id: string } } }
  start: { variables: { input: { orderId: string } }; data: { orderStartPreparing: OrderChangePayload } }
  ready: { variables: { input: { orderId: string } }; data: { orderMarkReady: OrderChangePayload } }
  collect: { variables: { input: CollectInput }; data: { orderCollect: OrderChangePayload } }
  setPassword: {
    variables: { input: { token: string; password: string } }
    data: { staffPasswordSet: { userErrors: UserError[] } }
  }
}
export type OperationName = keyof Operations

export const QUERIES: Record<OperationName, string> = {
  // The payload's staff is read with the new token (staffMe): the sign-in request itself is anonymous.
  signIn:
    'mutation BoardSignIn($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken expiresAt ' +
    'refreshToken userErrors { code field message } } }',
  renew:
    'mutation BoardRenew($input: TokenRefreshInput!) { tokenRefresh(input: $input) { accessToken expiresAt ' +
    'refreshToken userErrors { code field message } } }',
  signOut: 'mutation BoardSignOut($input: StaffSignOutInput!) { staffSignOut(input: $input) { signedOut } }',
  staffMe: `query BoardStaff { staffMe { ${STAFF_FIELDS} } }`,
  stores: 'query BoardStores { stores(first: 100) { edges { node { id code name timeZone } } } }',
  store: 'query BoardStore($id: ID!) { store(id: $id) { id code name timeZone } }',
  queue:
    'query BoardQueue($storeId: ID!) { storeOrders(storeId: $storeId, ' +
    `statuses: [PLACED, PREPARING, READY_FOR_PICKUP], first: 200) { edges { node { ${ORDER_FIELDS} } } } }`,
  pickList:
    'query BoardPickList($storeId: ID!) { pickList(storeId: $storeId) { sku title quantity orders firstSlotStart } }',
  live: 'subscription BoardLive($storeId: ID!) { storeQueueUpdated(storeId: $storeId) { id } }',
  start:
    'mutation BoardStart($input: OrderStartPreparingInput!) { orderStartPreparing(input: $input) { ' +
    'order { id status } userErrors { code field message } } }',
  ready:
    'mutation BoardReady($input: OrderMarkReadyInput!) { orderMarkReady(input: $input) { ' +
    'order { id status } userErrors { code field message } } }',
  collect:
    'mutation BoardCollect($input: OrderCollectInput!) { orderCollect(input: $input) { ' +
    'order { id number status } userErrors { code field message } } }',
  setPassword:
    'mutation BoardSetPassword($input: StaffPasswordSetInput!) { staffPasswordSet(input: $input) { ' +
    'userErrors { code field message } } }',
}

/** A refused or expired token: the board signs out rather than showing the message in place. */
export class AuthError extends Error {}

interface GraphQLBody {
  data?: unknown
  errors?: { message?: string; extensions?: { code?: string } }[]
}

/** Throws AuthError when the token is refused, Error with a readable message otherwise. */
export function checkErrors(body: GraphQLBody | null): unknown {
  const errors = body?.errors || []
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    throw new AuthError(t.sessionEnded)
  }
  if (errors.length > 0) throw new Error(errors[0]?.message || t.requestFailed)
  if (!body || !body.data) throw new Error(t.noAnswer)
  return body.data
}

export function requestHeaders(token: string | null, accept: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept }
  if (token) headers.authorization = `Bearer ${token}`
  return headers
}

export async function gql<K extends OperationName>(
  operation: K,
  variables: Operations[K]['variables'],
  token: string | null,
): Promise<Operations[K]['data']> {
  let response: Response
  try {
    response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: requestHeaders(token, 'application/graphql-response+json, application/json'),
      body: JSON.stringify({ query: QUERIES[operation], variables }),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    throw new Error(t.unreachable)
  }
  const body: GraphQLBody | null = await response.json().catch(() => null)
  if (!body) throw new Error(t.serverAnswered(response.status))
  // The server's schema is the contract for the data's shape; checkErrors has ruled out errors.
  return checkErrors(body) as Operations[K]['data']
}
