import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'

export class OrderNotReturnableError extends BusinessError {
  constructor(readonly status: string) {
    super('order not returnable')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'ORDER_NOT_RETURNABLE',
        field: ['orderId'],
        message: `Only collected orders can be returned; this one is ${this.status}.`,
      },
    ]
  }
}

export class ReturnLineError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super('return line error')
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
}
