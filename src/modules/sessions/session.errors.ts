import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'

/** Unknown, expired, already used or signed out: the client must sign in again. */
export class InvalidRefreshTokenError extends BusinessError {
  constructor() {
    super('invalid refresh token')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'INVALID_REFRESH_TOKEN',
        field: ['refreshToken'],
        message: 'The refresh token is invalid, expired or already used. Sign in again.',
      },
    ]
  }
}
