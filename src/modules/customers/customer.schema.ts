import { z } from 'zod'
import type { CustomerRow, Channel as SalesChannel } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import type { CartView } from '../carts/cart.js'
import { Cart, Channel, cartCredentials } from '../carts/cart.schema.js'
import { findActiveCartsOfCustomers } from '../carts/cart.service.js'
import { CHANNEL_INPUT, cartViewAfterChange } from '../carts/cart-mutations.schema.js'
import { writeOriginOf } from '../channels/request-origin.js'
import { sessionTokenFields } from '../sessions/session.schema.js'
import type { SessionTokens } from '../sessions/session.service.js'
import { findCustomersByIds } from './customer.service.js'
import { type BroughtCart, type SignedIn, signInCustomer, signUpCustomer } from './customer-session.service.js'

export const Customer = builder.loadableNode('Customer', {
  id: { resolve: (customer: CustomerRow) => customer.id },
  load: (ids: string[], context) => findCustomersByIds(context.db, ids),
  sort: (customer) => customer.id,
  description: 'One shopper across every channel. Visible to that shopper and to staff.',
  authScopes: (customer, context) =>
    context.viewer.kind === 'staff' ||
    (context.viewer.kind === 'customer' && context.viewer.customerId === customer.id),
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    phone: t.exposeString('phone', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (customer) => customer.created_at }),
    activeCart: t.loadable({
      type: Cart,
      nullable: true,
      description: 'The cart every device of this customer shows.',
      load: async (customerIds: string[], context) => {
        const carts = await findActiveCartsOfCustomers(context.db, customerIds)
        return customerIds.map((id) => carts.find((cart) => cart.customer_id === id)?.id ?? null)
      },
      resolve: (customer) => customer.id,
    }),
  }),
})

builder.queryFields((t) => ({
  me: t.field({
    type: Customer,
    nullable: true,
    description: 'The signed-in customer; null for anyone else.',
    resolve: (_root, _args, context) => (context.viewer.kind === 'customer' ? context.viewer.customerId : null),
  }),
}))

const AuthPayload = builder
  .objectRef<Payload<{ customer: CustomerRow; cart: CartView | null } & SessionTokens>>('CustomerAuthPayload')
  .implement({
    fields: (t) => ({
      ...sessionTokenFields(t),
      customer: t.field({
        type: Customer,
        nullable: true,
        resolve: (p) => p.customer ?? null,
      }),
      cart: t.field({
        type: Cart,
        nullable: true,
        description: "The customer's active cart, with the cart brought to sign-in merged in.",
        resolve: (p) => p.cart ?? null,
      }),
      userErrors: t.field({ type: [UserError], resolve: (p) => p.userErrors }),
    }),
  })

const password = z.string().max(200)

const CustomerSignUpInput = builder.inputType('CustomerSignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: z.string().max(254) }),
    password: t.string({ required: true, validate: password }),
    name: t.string({ required: true, validate: z.string().trim().min(1).max(120) }),
    phone: t.string({
      description: 'So that store staff can find the customer at the counter.',
      validate: z.string().regex(/^\+?[\d\s().-]{6,20}$/, 'phone is 6 to 20 digits, spaces or +().-'),
    }),
    cartId: t.globalID({ for: Cart, description: 'An anonymous cart (with its X-Cart-Token) to keep.' }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

const CustomerSignInInput = builder.inputType('CustomerSignInInput', {
  fields: (t) => ({
    email: t.string({ required: true, validate: z.string().max(254) }),
    password: t.string({ required: true, validate: password }),
    cartId: t.globalID({ for: Cart, description: 'An anonymous cart (with its X-Cart-Token) to merge in.' }),
    channel: t.field({ type: Channel, description: CHANNEL_INPUT }),
  }),
})

/**
 * The cart brought along, proven by the request's cart token, and where the sign-in comes from:
 * a brought cart is changed on the request's channel (channels/request-origin.ts).
 */
function broughtCart(
  context: GraphQLContext,
  input: { cartId?: { id: string } | null; channel?: SalesChannel | null },
): BroughtCart {
  const cartId = input.cartId?.id ?? null
  const origin = cartId
    ? writeOriginOf(context.origin, input.channel)
    : { channel: null, device: null, storefrontId: null }
  return { cartId, origin, credentials: cartCredentials(context) }
}

async function signedInPayload(context: GraphQLContext, { activeCartId, ...signedIn }: SignedIn) {
  // From here on the request acts as the customer it has just proven to be, so the payload's
  // customer and cart resolve under the same rules as any later request with the token.
  context.viewer = { kind: 'customer', customerId: signedIn.customer.id }
  return { ...signedIn, cart: activeCartId ? await cartViewAfterChange(context, activeCartId) : null }
}

builder.mutationFields((t) => ({
  customerSignUp: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: CustomerSignUpInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const signedIn = await signUpCustomer(context, {
          email: input.email,
          password: input.password,
          name: input.name.trim(),
          phone: input.phone?.trim() ?? null,
          cart: broughtCart(context, input),
        })
        return signedInPayload(context, signedIn)
      }),
  }),
  customerSignIn: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: CustomerSignInInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const signedIn = await signInCustomer(context, {
          email: input.email,
          password: input.password,
          cart: broughtCart(context, input),
        })
        return signedInPayload(context, signedIn)
      }),
  }),
}))
