import { DEMO_CLIENT_KEYS } from '../../../src/seed/seed.js'
import type { Caller, HostileHttp } from './http.js'
import { at, stringAt } from './json.js'
import type { Probe } from './probe.js'

const ORDER_READ = 'query($id: ID!) { order(id: $id) { id status pickupPass } }'

async function readOrder(http: HostileHttp, orderId: string, caller: Caller): Promise<unknown> {
  const answer = await http.gql(ORDER_READ, { id: orderId }, caller)
  return at(answer.data, 'order')
}

export const kioskTokenAfterSignedInCheckout: Probe = {
  name: "a kiosk's leftover cart token after a signed-in checkout",
  item: 4,
  async run({ http, world }) {
    // At the kiosk: a cart started anonymously, then the shopper signs in on it and checks out.
    const kiosk = world.arranger({ kioskKey: DEMO_CLIENT_KEYS.kiosk.key })
    const cart = await world.newCart(kiosk, 'KIOSK')
    const customer = await world.signUpCustomer()
    const signedIn = await http.gql(
      `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) {
         accessToken cart { id } userErrors { code } } }`,
      { input: { email: customer.email, password: customer.password, cartId: cart.cartId, channel: 'KIOSK' } },
      { ...kiosk, cartToken: cart.cartToken },
    )
    const token = stringAt(signedIn.data, 'customerSignIn', 'accessToken')
    const cartId = stringAt(signedIn.data, 'customerSignIn', 'cart', 'id')
    if (!token || !cartId) throw new Error(`customerSignIn with the kiosk cart failed: ${signedIn.text.slice(0, 300)}`)
    const order = await world.placeOrder({
      paymentMode: 'AT_PICKUP',
      caller: world.arranger({ token, cartToken: cart.cartToken }),
      cart: { cartId },
    })
    // Later, someone else at the same kiosk holds only the leftover token.
    const leaked = await readOrder(http, order.orderId, { cartToken: cart.cartToken, address: http.newAddress() })
    return leaked
      ? [`the kiosk's leftover cart token still reads the customer's order: ${JSON.stringify(leaked).slice(0, 200)}`]
      : []
  },
}

export const guestOrderReadableByItsToken: Probe = {
  name: 'a guest order stays readable by the token that placed it',
  item: 4,
  async run({ http, world }) {
    const order = await world.placeOrder({ paymentMode: 'AT_PICKUP' })
    const read = await readOrder(http, order.orderId, { cartToken: order.cartToken, address: http.newAddress() })
    return read ? [] : ['a guest can no longer read the order its own cart token placed']
  },
}
