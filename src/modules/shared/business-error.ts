import type { UserErrorCode } from './user-error-codes.js'

export interface UserErrorEntry {
  code: UserErrorCode
  /** Path to the input field at fault, e.g. ['lines', '2', 'variantId']; null when no one field is. */
  field: string[] | null
  message: string
}

/**
 * An expected business outcome (not a bug): the mutation changes nothing and answers with
 * userErrors. Subclasses carry the data a client needs to recover.
 */
export abstract class BusinessError extends Error {
  abstract userErrors(): UserErrorEntry[]
}

/** An error class for an outcome that needs no data: one fixed code, field and message. */
export function fixedBusinessError(code: UserErrorEntry['code'], field: string[] | null, message: string) {
  return class extends BusinessError {
    constructor() {
      super(code)
    }
    userErrors(): UserErrorEntry[] {
      return [{ code, field, message }]
    }
  }
}
