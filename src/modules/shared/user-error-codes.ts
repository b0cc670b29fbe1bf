/** Every code a mutation may answer in userErrors; clients switch on these, so only ever add. */
export const USER_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'UNKNOWN_VARIANT',
  'NEGATIVE_STOCK',
  'BELOW_RESERVED',
  'DUPLICATE_LINE',
  'TOO_MANY_ATTEMPTS',
  'EMAIL_TAKEN',
  'INVALID_EMAIL',
  'WEAK_PASSWORD',
  'CART_NOT_FOUND',
  'CART_NOT_ACTIVE',
  'CURRENCY_MISMATCH',
  'QUANTITY_LIMIT',
  'TOO_MANY_LINES',
  'LINE_NOT_FOUND',
  'UNKNOWN_STORE',
  'INVALID_HANDOFF_CODE',
] as const

export type UserErrorCode = (typeof USER_ERROR_CODES)[number]
