import type { Channel } from '../../db/database.js'

/** The moments of a journey, in the order a shopper lives them. */
export const JOURNEY_EVENTS = [
  'CART_STARTED',
  'HANDED_OFF',
  'HANDOFF_CLAIMED',
  'CART_CHANGED',
  'CHECKED_OUT',
  'ARRIVED',
  'COLLECTED',
] as const

export type JourneyEvent = (typeof JOURNEY_EVENTS)[number]

export interface JourneyStep {
  event: JourneyEvent
  /** null for the moments in the store that no channel's device recorded (arrival, the staff board). */
  channel: Channel | null
  /** See channels/request-origin.ts RequestOrigin.device; null when nothing identified it. */
  device: string | null
  at: Date
}

/**
 * The cart events a journey shows, by the step each is. The others are the system's doing, not a
 * device's (a line repriced by the checkout, holds expiring), or the other side of one already
 * shown (merged_away, the merged cart's side of `merged`).
 */
const CART_EVENT_STEPS: Readonly<Record<string, JourneyEvent>> = {
  created: 'CART_STARTED',
  handoff_created: 'HANDED_OFF',
  handoff_claimed: 'HANDOFF_CLAIMED',
  lines_added: 'CART_CHANGED',
  lines_updated: 'CART_CHANGED',
  lines_removed: 'CART_CHANGED',
  pickup_store_set: 'CART_CHANGED',
  discount_codes_updated: 'CART_CHANGED',
  signed_in: 'CART_CHANGED',
  merged: 'CART_CHANGED',
  checked_out: 'CHECKED_OUT',
}

/** A cart event as a journey step; null for events a journey leaves out. */
export function cartEventStep(event: { type: string; channel: Channel; device: string | null; at: Date }) {
  const step = CART_EVENT_STEPS[event.type]
  return step ? { event: step, channel: event.channel, device: event.device, at: new Date(event.at) } : null
}

/** The device a terminal's key stands for, as request origins name it. */
export function terminalDevice(terminalId: string): string {
  return `terminal:${terminalId}`
}

/**
 * Whether a journey crossed devices: the shopper's steps (everything before the store takes over:
 * arrival and hand-over are the store's) name more than one device. Steps whose device is unknown
 * do not count, so a journey of keyless requests without X-Device-Id never crosses.
 */
export function crossesDevices(steps: readonly JourneyStep[]): boolean {
  const devices = new Set<string>()
  for (const step of steps) {
    if (step.event === 'ARRIVED' || step.event === 'COLLECTED' || step.device === null) continue
    devices.add(step.device)
    if (devices.size > 1) return true
  }
  return false
}
