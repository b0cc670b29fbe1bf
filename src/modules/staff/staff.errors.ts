import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'

/** One message for unknown email, wrong password and disabled account: none reveals which. */
export class InvalidCredentialsError extends BusinessError {
  constructor() {
    super('invalid credentials')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_CREDENTIALS', field: null, message: 'Email or password is incorrect.' }]
  }
}
