/** Every code a mutation may answer in userErrors; clients switch on these, so only ever add. */
export const USER_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'UNKNOWN_VARIANT',
  'NEGATIVE_STOCK',
  'BELOW_RESERVED',
  'DUPLICATE_LINE',
] as const

export type UserErrorCode = (typeof USER_ERROR_CODES)[number]
