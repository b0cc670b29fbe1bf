import type { Viewer } from '../../auth/viewer.js'
import type { Db } from '../../db/create-db.js'
import { hashSecret } from '../carts/cart.js'
import { type Credential, viewerOfCredential } from './credential.js'

/**
 * A logical clock of this process: a stream stamps each event when it arrives, and a credential
 * read is stamped when it starts. A read stamped after an event has seen the session as it was
 * once the event had arrived, which is what checking before each event promises; so one read
 * answers for every event that arrived before it started, on every stream of the same credential.
 */
let clock = 0

export function arrivalMark(): number {
  clock += 1
  return clock
}

/** The viewer of the credential, read no earlier than the event stamped `arrivedAt` arrived. */
export type CredentialCheck = (arrivedAt: number) => Promise<Viewer | null>

interface Shared {
  /** The last read started, and when (on the clock). */
  latest?: { mark: number; viewer: Promise<Viewer | null> }
  /** A read about to start: those asking in the same turn of the event loop share it. */
  next?: Promise<Viewer | null>
}

/** Enough for every screen of a large deployment; past it, only the sharing is lost. */
const MAX_CREDENTIALS = 4096

const sharedByDb = new WeakMap<Db, Map<string, Shared>>()

/**
 * The check of `credential` for a stream, shared with every stream of the same credential on
 * this instance: twenty boards behind one sign-in cost one read per burst of events, not one per
 * screen and event. Each stream still applies its own rule to the viewer it gets.
 */
export function sharedCredentialCheck(db: Db, credential: Credential): CredentialCheck {
  const key = keyOf(credential)
  if (key === null) return () => viewerOfCredential(db, credential)
  let byKey = sharedByDb.get(db)
  if (!byKey) {
    byKey = new Map()
    sharedByDb.set(db, byKey)
  }
  const credentials = byKey
  return (arrivedAt) => {
    let shared = credentials.get(key)
    if (!shared) {
      shared = {}
      credentials.set(key, shared)
      evictOldest(credentials)
    }
    if (shared.latest && shared.latest.mark > arrivedAt) return shared.latest.viewer
    if (!shared.next) shared.next = startSoon(db, credential, shared)
    return shared.next
  }
}

function startSoon(db: Db, credential: Credential, shared: Shared): Promise<Viewer | null> {
  return new Promise((resolve) => {
    setImmediate(() => {
      const latest = { mark: arrivalMark(), viewer: viewerOfCredential(db, credential) }
      shared.latest = latest
      shared.next = undefined
      // A failed read answers its waiters with the failure and is not reused.
      latest.viewer.catch(() => {
        if (shared.latest === latest) shared.latest = undefined
      })
      resolve(latest.viewer)
    })
  })
}

function evictOldest(credentials: Map<string, Shared>): void {
  if (credentials.size <= MAX_CREDENTIALS) return
  const oldest = credentials.keys().next().value
  if (oldest !== undefined) credentials.delete(oldest)
}

/** What makes two credentials read the same: the session and the token's expiry, or the key's hash. */
function keyOf(credential: Credential): string | null {
  if (credential.kind === 'none') return null
  if (credential.kind === 'terminal-key') return `terminal:${hashSecret(credential.key)}`
  const { subject, sessionId, expiresAt } = credential.claims
  const subjectId = subject.kind === 'staff' ? subject.staffId : subject.customerId
  return `session:${sessionId}:${subject.kind}:${subjectId}:${expiresAt.getTime()}`
}
