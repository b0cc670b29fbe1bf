import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import type { Channel } from '../../db/database.js'
import { ChannelNotAllowedError, StorefrontKeyRequiredError } from './channel.errors.js'
import { findKioskOfKey, isKioskKey } from './kiosk.service.js'
import { findStorefrontOfKey, isStorefrontKey } from './storefront.service.js'

/**
 * Where a request comes from, as its keys prove it: a POS terminal (its key is the bearer), a
 * kiosk (X-Kiosk-Key), a storefront (X-Storefront-Key, WEB or APP as the key says), or nothing
 * (keyless). The channel of every cart write and checkout comes from here, never from the input
 * alone: an input's `channel` may only repeat what the key proves.
 */
export interface RequestOrigin {
  /** The channel the key proves; null for a keyless request. */
  channel: Channel | null
  storefrontId: string | null
  /**
   * What the journey records as the device: `terminal:<id>`, `kiosk:<id>`, `storefront:<id>`,
   * the last followed by `:<X-Device-Id>` when the client names its device; `device:<X-Device-Id>`
   * for a keyless request naming one; null when nothing identifies it. Terminals and kiosks are
   * one device each, so their X-Device-Id is not needed and not used.
   */
  device: string | null
  /** REQUIRE_STOREFRONT_KEY: a keyless request may read but not write a cart or check out. */
  keyRequired: boolean
}

/** What a request presented besides its bearer. */
export interface OriginHeaders {
  storefrontKey: string | null
  kioskKey: string | null
  deviceId: string | null
}

/** Why a request's keys were refused: the request is answered with this error and nothing else. */
export interface OriginRefusal {
  code: 'INVALID_CLIENT_KEY' | 'BAD_DEVICE_ID'
  message: string
}

/** A device id a client chooses (an install id, say): short, printable, no separators of ours. */
const DEVICE_ID = /^[A-Za-z0-9._-]{1,64}$/

/**
 * The origin of a request, or why it is refused: a malformed device id, more than one client key,
 * or a kiosk or storefront key that is unknown or revoked (read at every request, so a revoked
 * key stops at the next one). One indexed read per key presented; none for a keyless request.
 */
export async function originOfRequest(
  db: Db,
  request: { viewer: Viewer; headers: OriginHeaders; requireStorefrontKey: boolean },
): Promise<RequestOrigin | OriginRefusal> {
  const { viewer, headers } = request
  const deviceId = headers.deviceId
  if (deviceId !== null && !DEVICE_ID.test(deviceId)) {
    return { code: 'BAD_DEVICE_ID', message: 'X-Device-Id is 1 to 64 letters, digits, dots, dashes or underscores.' }
  }
  const presented = [viewer.kind === 'terminal', headers.kioskKey !== null, headers.storefrontKey !== null]
  if (presented.filter(Boolean).length > 1) {
    return { code: 'INVALID_CLIENT_KEY', message: 'Send one client key: a terminal, kiosk or storefront key.' }
  }
  const verified = { keyRequired: false }
  if (viewer.kind === 'terminal') {
    return { ...verified, channel: 'POS', storefrontId: null, device: `terminal:${viewer.terminalId}` }
  }
  if (headers.kioskKey !== null) {
    const kiosk = isKioskKey(headers.kioskKey) ? await findKioskOfKey(db, headers.kioskKey) : undefined
    if (!kiosk) return { code: 'INVALID_CLIENT_KEY', message: 'The kiosk key is unknown or revoked.' }
    return { ...verified, channel: 'KIOSK', storefrontId: null, device: `kiosk:${kiosk.id}` }
  }
  if (headers.storefrontKey !== null) {
    const key = headers.storefrontKey
    const storefront = isStorefrontKey(key) ? await findStorefrontOfKey(db, key) : undefined
    if (!storefront) return { code: 'INVALID_CLIENT_KEY', message: 'The storefront key is unknown or revoked.' }
    const device = `storefront:${storefront.id}${deviceId === null ? '' : `:${deviceId}`}`
    return { ...verified, channel: storefront.channel, storefrontId: storefront.id, device }
  }
  return {
    channel: null,
    storefrontId: null,
    device: deviceId === null ? null : `device:${deviceId}`,
    keyRequired: request.requireStorefrontKey,
  }
}

export function isOriginRefusal(value: RequestOrigin | OriginRefusal): value is OriginRefusal {
  return 'code' in value
}

/** What a cart write or checkout is stamped with. `channel` null: keyless and unstated (see keylessChannel). */
export interface WriteOrigin {
  channel: Channel | null
  device: string | null
  storefrontId: string | null
}

/**
 * The origin a write is stamped with, given the channel its input states (if any). A keyed
 * request acts on its key's channel: stating another is refused, never ignored. A keyless request
 * is an anonymous storefront: it may say WEB or APP (recorded without a storefront, so figures per
 * storefront keep it apart), never KIOSK or POS; with REQUIRE_STOREFRONT_KEY it may not write.
 */
export function writeOriginOf(origin: RequestOrigin, stated: Channel | null | undefined): WriteOrigin {
  const { device, storefrontId } = origin
  if (origin.channel !== null) {
    if (stated && stated !== origin.channel) throw new ChannelNotAllowedError(stated, origin.channel)
    return { channel: origin.channel, device, storefrontId }
  }
  if (origin.keyRequired) throw new StorefrontKeyRequiredError()
  if (stated === 'KIOSK' || stated === 'POS') throw new ChannelNotAllowedError(stated, null)
  return { channel: stated ?? null, device, storefrontId }
}

/**
 * The channel of a keyless write that states none: the channel the cart remembers (its device's
 * token, or its last change) when that is one a keyless request may use, else WEB.
 */
export function keylessChannel(remembered: Channel | null): Channel {
  return remembered === 'APP' ? 'APP' : 'WEB'
}

/** A request with no key and no device id: what scripts and benchmarks act as. */
export const KEYLESS_ORIGIN: RequestOrigin = { channel: null, storefrontId: null, device: null, keyRequired: false }
