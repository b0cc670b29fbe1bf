/**
 * UUIDs in the version 7 layout (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then
 * random bits. Rows a bulk write inserts with them land at the right edge of their primary key's
 * btree, where PostgreSQL appends to the last leaf without descending the tree, instead of on a
 * random leaf each (what the columns' default, gen_random_uuid(), does). Ids stay unguessable
 * enough for row keys, never for secrets: 62 random bits per id.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    counter = 0
  } else if (++counter > 0xfff) {
    // More than 4,096 ids in one millisecond: borrow the next one, so the order never goes back.
    lastMs++
    counter = 0
  }
  const random = randomBytes(8)
  const time = lastMs.toString(16).padStart(12, '0')
  const randA = (0x7000 | counter).toString(16)
  const variant = ((random[0]! & 0x3f) | 0x80).toString(16) + hex(random, 1, 2)
  return `${time.slice(0, 8)}-${time.slice(8)}-${randA}-${variant}-${hex(random, 2, 8)}`
}

let lastMs = 0
let counter = 0

const POOL_SIZE = 8 * 512
const pool = new Uint8Array(POOL_SIZE)
let poolOffset = POOL_SIZE

function randomBytes(count: number): Uint8Array {
  if (poolOffset + count > POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool)
    poolOffset = 0
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count)
  poolOffset += count
  return bytes
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

function hex(bytes: Uint8Array, from: number, to: number): string {
  let text = ''
  for (let index = from; index < to; index++) text += HEX[bytes[index]!]
  return text
}
