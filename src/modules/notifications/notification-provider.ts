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

/** A short message to a phone: an SMS or a push, whatever the provider behind it does. */
export interface TextMessage {
  /** The notification's id: the same on every attempt, so receivers can drop a repeat. */
  id: string
  /** E.164, as queued. */
  to: string
  text: string
}

/**
 * The way text messages leave Comptoir: the log provider (the default) writes them to the log; the
 * webhook provider POSTs them, signed, to the retailer's SMS or push gateway. Another gateway is
 * one more implementation of this interface. A send is a network call: never inside a transaction.
 */
export interface TextMessageProvider {
  readonly name: 'LOG' | 'WEBHOOK'
  /** Resolves once the message is accepted for delivery; throws when it was not (the send is retried). */
  send(message: TextMessage): Promise<void>
}
