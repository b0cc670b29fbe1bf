import type { OrderMessageKind, PushPlatform } from '../../db/database.js'

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

/** A short message to a phone number: an SMS, or whatever the retailer's gateway makes of it. */
export interface TextMessage {
  /** The notification's id: the same on every attempt, so receivers can drop a repeat. */
  id: string
  /** E.164, as queued. */
  to: string
  text: string
}

/**
 * The way text messages leave Comptoir: the log provider (the default) writes them to the log; the
 * webhook provider POSTs them, signed, to the retailer's SMS gateway. Another gateway is one more
 * implementation of this interface. A send is a network call: never inside a transaction.
 */
export interface TextMessageProvider {
  readonly name: 'LOG' | 'WEBHOOK'
  /** Resolves once the message is accepted for delivery; throws when it was not (the send is retried). */
  send(message: TextMessage): Promise<void>
}

/** A push to a customer's app installs: one message, every install they registered. */
export interface PushMessage {
  /** The notification's id: the same on every attempt, so receivers can drop a repeat. */
  id: string
  title: string
  text: string
  devices: { platform: PushPlatform; token: string; storefrontId: string | null }[]
  /** What the app opens when the push is tapped: the order, as webhooks (orderId) and GraphQL (orderGid) name it. */
  data: { kind: OrderMessageKind; orderId: string; orderGid: string; orderNumber: string }
}

/**
 * The way pushes leave Comptoir: the log provider (the default) writes them to the log; the
 * webhook provider POSTs them, signed, to the retailer's push gateway, which holds the credentials
 * of Apple's, Google's or the browsers' push services. A send is a network call: never inside a
 * transaction.
 */
export interface PushMessageProvider {
  readonly name: 'LOG' | 'WEBHOOK'
  /** Resolves once the gateway accepted the message; throws when it did not (the send is retried). */
  send(message: PushMessage): Promise<PushOutcome>
}

export interface PushOutcome {
  /** Tokens of the message the push services reported unregistered: their installs are forgotten. */
  invalidTokens: string[]
}
