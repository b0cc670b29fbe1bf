import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'

export class EmailTakenError extends BusinessError {
  constructor() {
    super('email taken')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'EMAIL_TAKEN', field: ['email'], message: 'An account already uses this email. Sign in instead.' }]
  }
}

export class InvalidEmailError extends BusinessError {
  constructor() {
    super('invalid email')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_EMAIL', field: ['email'], message: 'This is not a valid email address.' }]
  }
}

export class WeakPasswordError extends BusinessError {
  constructor(readonly reason: string) {
    super('weak password')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'WEAK_PASSWORD', field: ['password'], message: this.reason }]
  }
}

/** Text messages chosen without a phone number they can be sent to. */
export class PhoneRequiredError extends BusinessError {
  constructor() {
    super('phone required')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'PHONE_REQUIRED',
        field: ['phone'],
        message: 'Text messages need a phone number in international format, e.g. +33612345678.',
      },
    ]
  }
}

/** Pushes chosen before any app install of the customer's registered for them. */
export class PushDeviceRequiredError extends BusinessError {
  constructor() {
    super('push device required')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'PUSH_DEVICE_REQUIRED',
        field: ['messageChannels'],
        message: 'Push messages need the app to register this device first (customerPushDeviceRegister).',
      },
    ]
  }
}
