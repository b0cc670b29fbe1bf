import { describe, expect, it } from 'vitest'
import type { Db } from '../../db/create-db.js'
import { inCartQueue } from './cart-write-queue.js'

// The queue only keys on the database object; no query runs here.
const db = {} as unknown as Db

function deferred() {
  let resolve = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

describe('inCartQueue', () => {
  it('starts a write to a cart only once the previous one to that cart has ended, failed or not', async () => {
    const order: string[] = []
    const first = deferred()
    const a = inCartQueue(db, 'cart-1', async () => {
      order.push('a starts')
      await first.promise
      order.push('a ends')
      throw new Error('a fails')
    })
    const b = inCartQueue(db, 'cart-1', async () => {
      order.push('b runs')
      return 'b'
    })
    const other = inCartQueue(db, 'cart-2', async () => {
      order.push('other cart runs')
      return 'other'
    })
    expect(await other).toBe('other')
    expect(order).toEqual(['a starts', 'other cart runs'])
    first.resolve()
    await expect(a).rejects.toThrow('a fails')
    expect(await b).toBe('b')
    expect(order).toEqual(['a starts', 'other cart runs', 'a ends', 'b runs'])
  })

  it('does not queue writes without a key', async () => {
    const never = deferred()
    void inCartQueue(db, 'cart-3', () => never.promise)
    expect(await inCartQueue(db, null, async () => 'free')).toBe('free')
  })
})
