import { createHash, randomBytes, randomInt } from 'node:crypto'
import type { CartHoldRow, CartLineRow, CartRow, Channel, VariantRow } from '../../db/database.js'
import { includedTaxMinor } from '../shared/money.js'

export const MAX_LINE_QUANTITY = 99
export const MAX_LINES = 100
export const HANDOFF_TTL_MINUTES = 10
export const MAX_DISCOUNT_CODES = 5
export const MAX_DISCOUNT_CODE_LENGTH = 64
export const CHANNELS = ['WEB', 'APP', 'KIOSK', 'POS'] as const satisfies readonly Channel[]

export type CartLineWithVariant = CartLineRow & { variant: VariantRow }

/** A cart as the API shows it: the row, its lines with their variants, in the order added. */
export interface CartView extends CartRow {
  lines: CartLineWithVariant[]
  /** Stock the cart holds in its pickup store (cart reservations), by variant. */
  holds: CartHoldRow[]
}

/** An empty cart has no currency of its own; its zero amounts and its codes are shown in this one. */
export const DEFAULT_CURRENCY_CODE = 'EUR'

export function cartCurrencyCode(cart: Pick<CartRow, 'currency_code'>): string {
  return cart.currency_code ?? DEFAULT_CURRENCY_CODE
}

export interface CartTotals {
  subtotalMinor: number
  taxMinor: number
  totalMinor: number
  currencyCode: string | null
}

/**
 * The cart before any promotion. Prices are tax-inclusive: the total is the subtotal, and the tax
 * is the share inside it. Each line counts at the unit price it was shown
 * (cart_line.unit_price_minor), which the checkout holds to. The API shows the cart priced with
 * its promotions instead (priceCart, cart-pricing.service.ts), whose subtotal is this one.
 */
export function cartTotals(cart: CartView): CartTotals {
  let subtotalMinor = 0
  let taxMinor = 0
  for (const line of cart.lines) {
    const lineTotal = line.unit_price_minor * line.quantity
    subtotalMinor += lineTotal
    taxMinor += includedTaxMinor(lineTotal, line.variant.tax_rate_bp)
  }
  return { subtotalMinor, taxMinor, totalMinor: subtotalMinor, currencyCode: cart.currency_code }
}

/** 256 random bits: a bearer capability for an anonymous cart. Only its hash is stored. */
export function newCartToken(): string {
  return randomBytes(32).toString('base64url')
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

// Crockford's base32 without I, L, O, U: no two characters are confused when read off a screen.
const HANDOFF_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** 8 characters (40 bits) shown as XXXX-XXXX; single use and valid 10 minutes. */
export function newHandoffCode(): string {
  let code = ''
  for (let i = 0; i < 8; i++) code += HANDOFF_ALPHABET[randomInt(HANDOFF_ALPHABET.length)]
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** What a person typed, made comparable: case, spaces, dashes and look-alike letters forgiven. */
export function normaliseHandoffCode(typed: string): string | null {
  const cleaned = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(cleaned)) return null
  return `${cleaned.slice(0, 4)}-${cleaned.slice(4)}`
}
