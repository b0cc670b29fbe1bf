import { decodeGlobalID } from '@pothos/plugin-relay'
import { GraphQLError } from 'graphql'
import { isUuid } from '../modules/shared/uuid.js'

/**
 * Every row id is a UUID; refusing anything else while decoding means a forged or mangled ID is
 * BAD_USER_INPUT at the edge and never reaches SQL as a malformed uuid.
 */
// A page repeats the same IDs (one storeId argument per variant row): decode each once.
const decodedCache = new Map<string, { typename: string; id: string }>()
const DECODED_CACHE_LIMIT = 10_000

export function decodeUuidGlobalID(globalID: string): { typename: string; id: string } {
  const cached = decodedCache.get(globalID)
  if (cached) return { ...cached }
  const decoded = decodeFresh(globalID)
  if (decodedCache.size >= DECODED_CACHE_LIMIT) decodedCache.clear()
  decodedCache.set(globalID, decoded)
  return { ...decoded }
}

function decodeFresh(globalID: string): { typename: string; id: string } {
  let decoded: { typename: string; id: string }
  try {
    decoded = decodeGlobalID(globalID)
  } catch {
    throw invalidId(globalID)
  }
  if (!isUuid(decoded.id)) throw invalidId(globalID)
  return decoded
}

function invalidId(globalID: string) {
  return new GraphQLError(`Invalid ID: ${JSON.stringify(globalID.slice(0, 64))}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  })
}
