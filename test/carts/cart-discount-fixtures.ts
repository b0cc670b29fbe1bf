import { expect } from 'vitest'
import type { UserErrorShape } from '../fixtures/carts.js'
import type { GraphQLClient } from '../helpers/test-app.js'

/** A cart with what issue 16 shows of its discounts. */
export const DISCOUNT_FIELDS = `
  id lastChannel
  subtotal { amountMinor currencyCode } tax { amountMinor } total { amountMinor } discountTotal { amountMinor currencyCode }
  discountCodes { code applicable reason }
  pickupStore { code }
  lines {
    variant { id } quantity unitPrice { amountMinor } lineTotal { amountMinor }
    discountAllocations { amount { amountMinor currencyCode } promotion { id name code } }
  }
`

export interface DiscountedCart {
  id: string
  lastChannel: string
  subtotal: { amountMinor: number; currencyCode: string }
  tax: { amountMinor: number }
  total: { amountMinor: number }
  discountTotal: { amountMinor: number; currencyCode: string }
  discountCodes: { code: string; applicable: boolean; reason: string | null }[]
  pickupStore: { code: string } | null
  lines: {
    variant: { id: string }
    quantity: number
    unitPrice: { amountMinor: number }
    lineTotal: { amountMinor: number }
    discountAllocations: {
      amount: { amountMinor: number; currencyCode: string }
      promotion: { id: string; name: string; code: string | null }
    }[]
  }[]
}

export type CartPayload = { cart: DiscountedCart | null; userErrors: UserErrorShape[] }

export const UPDATE_CODES = `mutation($input: CartDiscountCodesUpdateInput!) {
  cartDiscountCodesUpdate(input: $input) { cart { ${DISCOUNT_FIELDS} } userErrors { code field message } }
}`

export async function updateCodes(
  api: GraphQLClient,
  cartId: string,
  codes: string[],
  headers: Record<string, string>,
): Promise<CartPayload> {
  const result = await api.gql<{ cartDiscountCodesUpdate: CartPayload }>(
    UPDATE_CODES,
    { input: { cartId, codes } },
    { headers },
  )
  expect(result.errors).toBeUndefined()
  return result.data!.cartDiscountCodesUpdate
}

export async function readDiscountedCart(
  api: GraphQLClient,
  cartId: string,
  headers: Record<string, string>,
): Promise<DiscountedCart> {
  const result = await api.gql<{ cart: DiscountedCart | null }>(
    `query($id: ID!) { cart(id: $id) { ${DISCOUNT_FIELDS} } }`,
    { id: cartId },
    { headers },
  )
  expect(result.errors).toBeUndefined()
  return result.data!.cart!
}

/**
 * What every priced cart must satisfy: the lines' allocations add up to discountTotal, the
 * total is the subtotal less it, and the subtotal is the lines at their shown prices.
 */
export function expectConsistent(cart: DiscountedCart): void {
  const allocated = cart.lines
    .flatMap((line) => line.discountAllocations)
    .reduce((sum, allocation) => sum + allocation.amount.amountMinor, 0)
  expect(allocated).toBe(cart.discountTotal.amountMinor)
  expect(cart.total.amountMinor).toBe(cart.subtotal.amountMinor - cart.discountTotal.amountMinor)
  const lines = cart.lines.reduce((sum, line) => sum + line.lineTotal.amountMinor, 0)
  expect(cart.subtotal.amountMinor).toBe(lines)
}

/** What a percentage takes off an amount, rounded half up (as the pricing function does). */
export function percentOff(amountMinor: number, percent: number): number {
  return Math.floor((amountMinor * percent * 100 + 5_000) / 10_000)
}
