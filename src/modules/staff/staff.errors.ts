import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

export class UnknownStaffError extends fixedBusinessError(
  'UNKNOWN_STAFF',
  ['staffId'],
  'No staff member has this id.',
) {}

export class StaffEmailTakenError extends fixedBusinessError(
  'EMAIL_TAKEN',
  ['email'],
  'A staff member already uses this email.',
) {}

/** Admins belong to no store; everyone else to at least one. */
export class InvalidStaffStoresError extends BusinessError {
  constructor(readonly reason: string) {
    super('invalid staff stores')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_STAFF_STORES', field: ['storeIds'], message: this.reason }]
  }
}

export class UnknownStaffStoreError extends BusinessError {
  constructor(readonly index: number) {
    super('unknown store')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'UNKNOWN_STORE', field: ['storeIds', String(this.index)], message: 'No store has this id.' }]
  }
}

/** A manager reaches only members whose every store is one of theirs. */
export class OutsideYourStoresError extends BusinessError {
  constructor(readonly field: 'staffId' | 'storeIds') {
    super('outside your stores')
  }
  userErrors(): UserErrorEntry[] {
    const message =
      this.field === 'storeIds'
        ? 'You can only give a member stores that you manage.'
        : 'This member works in a store you do not manage.'
    return [{ code: 'OUTSIDE_YOUR_STORES', field: [this.field], message }]
  }
}

/** A manager appoints and looks after associates; managers and admins are for an admin to handle. */
export class RoleNotAllowedError extends BusinessError {
  constructor(readonly field: 'staffId' | 'role') {
    super('role not allowed')
  }
  userErrors(): UserErrorEntry[] {
    const message =
      this.field === 'role'
        ? 'A manager can only give the ASSOCIATE role; ask an admin.'
        : 'A manager can only change associates; ask an admin.'
    return [{ code: 'ROLE_NOT_ALLOWED', field: [this.field], message }]
  }
}

export class SelfDeactivationError extends fixedBusinessError(
  'SELF_DEACTIVATION',
  ['staffId'],
  'You cannot deactivate yourself; ask another admin.',
) {}

export class LastAdminError extends fixedBusinessError(
  'LAST_ADMIN',
  ['staffId'],
  'This is the last active admin: make another member admin first.',
) {}

/** Unknown, already used, expired, or its member deactivated: one answer for all. */
export class InvalidResetTokenError extends fixedBusinessError(
  'INVALID_RESET_TOKEN',
  ['token'],
  'This link is not valid any more. Ask for a new one.',
) {}

export class WeakStaffPasswordError extends BusinessError {
  constructor(
    readonly reason: string,
    readonly field: 'password' | 'newPassword',
  ) {
    super('weak password')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'WEAK_PASSWORD', field: [this.field], message: this.reason }]
  }
}

export class WrongCurrentPasswordError extends fixedBusinessError(
  'INVALID_CREDENTIALS',
  ['currentPassword'],
  'The current password is incorrect.',
) {}
