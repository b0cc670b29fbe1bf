import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'
import type { UserErrorCode } from '../shared/user-error-codes.js'
import type { InputProblem } from './store-rules.js'

export const StoreCodeTakenError = fixedBusinessError('STORE_CODE_TAKEN', ['code'], 'Another store has this code.')

export const StoreNotAcceptingOrdersError = fixedBusinessError(
  'STORE_NOT_ACCEPTING_ORDERS',
  ['storeId'],
  'This store is not taking orders at the moment; choose another store or try again later.',
)

/** A store setting that breaks an input rule (store-rules.ts), with where and why. */
abstract class StoreInputError extends BusinessError {
  protected abstract readonly code: UserErrorCode
  constructor(readonly problem: InputProblem) {
    super(problem.message)
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: this.code, field: this.problem.field, message: this.problem.message }]
  }
}

export class InvalidTimeZoneError extends StoreInputError {
  protected readonly code = 'INVALID_TIME_ZONE'
}

/** Weekly or special hours, or the date of special hours. */
export class InvalidOpeningHoursError extends StoreInputError {
  protected readonly code = 'INVALID_OPENING_HOURS'
}
