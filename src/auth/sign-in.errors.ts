import { BusinessError, type UserErrorEntry } from '../modules/shared/business-error.js'

/** One message for unknown email, wrong password and disabled account: none reveals which. */
export class InvalidCredentialsError extends BusinessError {
  constructor() {
    super('invalid credentials')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_CREDENTIALS', field: null, message: 'Email or password is incorrect.' }]
  }
}

/** A limit on guesses is spent; `retryAt` is when this attempt would next be counted. */
export class TooManyAttemptsError extends BusinessError {
  constructor(
    readonly retryAt: Date,
    /** What was attempted too often, as the message says it. */
    readonly attempts = 'failed sign-ins for this email',
  ) {
    super('too many attempts')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'TOO_MANY_ATTEMPTS',
        field: null,
        message: `Too many ${this.attempts}. Try again after ${this.retryAt.toISOString()}.`,
      },
    ]
  }
}
