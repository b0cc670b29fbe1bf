import type { Caller, HostileHttp } from './http.js'
import { userErrorCodesOf } from './http.js'
import type { Probe } from './probe.js'
import { ACCOUNTS } from './world.js'

/** Attempts a limit may let through before it refuses: the limit. */
const ATTEMPT_LIMIT = 5
const PARALLEL_ATTEMPTS = 40

/** Fires `attempts` at once from one client address; answers how many the server actually checked. */
async function parallelAttempts(
  attempt: (caller: Caller, index: number) => Promise<string[]>,
  checkedCode: string,
  caller: Caller,
): Promise<number> {
  const codes = await Promise.all(Array.from({ length: PARALLEL_ATTEMPTS }, (_, index) => attempt(caller, index)))
  return codes.filter((userErrorCodes) => userErrorCodes.includes(checkedCode)).length
}

function overLimit(what: string, checked: number): string[] {
  return checked > ATTEMPT_LIMIT
    ? [`${PARALLEL_ATTEMPTS} parallel ${what}: ${checked} were checked (limit ${ATTEMPT_LIMIT})`]
    : []
}

const SIGN_IN = {
  staff: 'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken userErrors { code } } }',
  customer:
    'mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { accessToken userErrors { code } } }',
} as const

async function wrongSignIn(http: HostileHttp, kind: 'staff' | 'customer', email: string, caller: Caller, n: number) {
  const mutation = kind === 'staff' ? 'staffSignIn' : 'customerSignIn'
  const answer = await http.gql(SIGN_IN[kind], { input: { email, password: `wrong-password-${n}` } }, caller)
  return userErrorCodesOf(answer, mutation)
}

export const parallelStaffSignIn: Probe = {
  name: 'parallel wrong staffSignIn for one email',
  item: 1,
  async run({ http }) {
    const checked = await parallelAttempts(
      (caller, n) => wrongSignIn(http, 'staff', ACCOUNTS.guessed.email, caller, n),
      'INVALID_CREDENTIALS',
      { address: http.newAddress() },
    )
    return overLimit('wrong staffSignIn for one email', checked)
  },
}

export const parallelCustomerSignIn: Probe = {
  name: 'parallel wrong customerSignIn for one email',
  item: 1,
  async run({ http, world }) {
    const customer = await world.signUpCustomer()
    const checked = await parallelAttempts(
      (caller, n) => wrongSignIn(http, 'customer', customer.email, caller, n),
      'INVALID_CREDENTIALS',
      { address: http.newAddress() },
    )
    return overLimit('wrong customerSignIn for one email', checked)
  },
}

export const parallelPickupCodes: Probe = {
  name: 'parallel wrong pickup codes on one order',
  item: 1,
  async run({ http, world }) {
    const order = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    await world.makeReady(order.orderId)
    const wrongCode = (n: number) => String((Number(order.pickupCode) + 1 + n) % 1_000_000).padStart(6, '0')
    const checked = await parallelAttempts(
      async (caller, n) => {
        const answer = await http.gql(
          'mutation($input: OrderCollectInput!) { orderCollect(input: $input) { order { status } userErrors { code } } }',
          {
            input: {
              orderId: order.orderId,
              pickupCode: wrongCode(n),
              payment: { method: 'CASH', amountTendered: '1000.00' },
            },
          },
          caller,
        )
        return userErrorCodesOf(answer, 'orderCollect')
      },
      'INVALID_PICKUP_CODE',
      { token: world.managerToken, address: http.newAddress() },
    )
    return overLimit('orderCollect with wrong pickup codes', checked)
  },
}

export const parallelHandoffClaims: Probe = {
  name: 'parallel wrong cart hand-off codes from one client',
  item: 1,
  async run({ http, world }) {
    // A real code exists, so the guesses are against a live hand-off, not an empty table.
    const owner = world.arranger()
    const cart = await world.newCart(owner)
    await http.gql(
      'mutation($input: CartHandoffCreateInput!) { cartHandoffCreate(input: $input) { code userErrors { code } } }',
      { input: { cartId: cart.cartId } },
      { ...owner, cartToken: cart.cartToken },
    )
    // Well-formed codes (so each one is looked up), none of them the real one.
    const guess = (n: number) => `ZZZZ-${String(n).padStart(4, '0')}`
    const checked = await parallelAttempts(
      async (caller, n) => {
        const answer = await http.gql(
          'mutation($input: CartHandoffClaimInput!) { cartHandoffClaim(input: $input) { cartToken userErrors { code } } }',
          { input: { code: guess(n), channel: 'WEB' } },
          caller,
        )
        return userErrorCodesOf(answer, 'cartHandoffClaim')
      },
      'INVALID_HANDOFF_CODE',
      { address: http.newAddress() },
    )
    return overLimit('cartHandoffClaim with wrong codes from one client', checked)
  },
}

export const strangerLocksOutVictim: Probe = {
  name: "a stranger's failures lock the real user out",
  item: 2,
  async run({ http, note }) {
    if (!http.forwardedFor) {
      note(
        'skipped: needs a server that trusts X-Forwarded-For from this client (TRUST_PROXY) to speak from two addresses',
      )
      return []
    }
    const stranger = { address: http.newAddress() }
    for (let n = 0; n < 2 * ATTEMPT_LIMIT; n++) await wrongSignIn(http, 'staff', ACCOUNTS.victim.email, stranger, n)
    const answer = await http.gql(SIGN_IN.staff, { input: ACCOUNTS.victim }, { address: http.newAddress() })
    const codes = userErrorCodesOf(answer, 'staffSignIn')
    return codes.length > 0 || answer.status !== 200
      ? [
          `after ${2 * ATTEMPT_LIMIT} wrong passwords from one address, the real manager signing in from another got HTTP ${answer.status} ${codes.join(', ')}`,
        ]
      : []
  },
}
