/**
 * What the notifications domain needs from a way of reaching a customer. SMTP email sends for
 * real; the log provider (the default, demos, tests) writes the message to the log. A send is a
 * network call: never make one inside a transaction.
 */
export interface NotificationMessage {
  /** The notification's id: the same on every attempt, so receivers can drop a repeat. */
  id: string
  to: string
  subject: string
  text: string
  html: string
}

export interface NotificationProvider {
  readonly name: 'LOG' | 'SMTP'
  /** Resolves once the message is accepted for delivery; throws when it was not. */
  send(message: NotificationMessage): Promise<void>
}
