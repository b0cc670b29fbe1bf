/**
 * What the ready-time promise costs (modules/readiness): `npx tsx bench/ready-time-bench.ts`, with
 * DATABASE_URL naming a PostgreSQL server (a database of its own is created, then dropped). A store
 * with HISTORY ready orders over 14 days and OPEN orders still to prepare; each figure is the
 * in-process time of one call, against the database, over RUNS calls after a warm-up.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import pg from 'pg'
import { createDb } from '../src/db/create-db.js'
import { migrateToLatest } from '../src/db/migrator.js'
import { inTransaction } from '../src/db/transaction.js'
import {
  earliestPickupSlot,
  estimateReadyAt,
  estimateStoreQueue,
  learnStorePrepStats,
} from '../src/modules/readiness/ready-time.service.js'
import { seedDemoData } from '../src/seed/seed.js'

const HISTORY = 20_000
const OPEN = 500
const RUNS = 200

const serverUrl = process.env.DATABASE_URL
if (!serverUrl) throw new Error('DATABASE_URL must name a PostgreSQL server')
const name = `comptoir_bench_ready_${randomBytes(4).toString('hex')}`
const databaseUrl = new URL(serverUrl)
databaseUrl.pathname = `/${name}`

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function timed(label: string, call: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await call()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await call()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2)
  console.log(`| ${label} | ${at(0.5)} | ${at(0.95)} |`)
}

await admin(`CREATE DATABASE ${name}`)
const db = await createDb({ kind: 'postgres', url: databaseUrl.toString(), poolMax: 4 })
try {
  await migrateToLatest(db)
  await seedDemoData(db)
  const store = await db.selectFrom('store').selectAll().where('code', '=', 'PAR-RIVOLI').executeTakeFirstOrThrow()
  const variant = await db.selectFrom('variant').select(['id', 'sku', 'title']).orderBy('sku').executeTakeFirstOrThrow()
  const now = new Date()
  await db
    .updateTable('store')
    .set({
      opening_hours: JSON.stringify(
        Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ opens: '00:00', closes: '23:59' }]]),
        ),
      ),
    })
    .where('id', '=', store.id)
    .execute()
  // Ready orders spread over the last 14 days; open ones over the next 40 slots, a tenth being prepared.
  await sql`
    INSERT INTO sales_order (number, store_id, channel, status, payment_mode, pickup_slot_start, pickup_slot_end,
                             currency_code, subtotal_minor, tax_minor, total_minor, ready_at, created_at)
    SELECT 'H' || g, ${store.id}, 'APP', 'COLLECTED', 'AT_PICKUP', at, at + interval '15 minutes', 'EUR', 0, 0, 0,
           at - interval '5 minutes', at - interval '40 minutes'
    FROM generate_series(1, ${HISTORY}) g, LATERAL (SELECT ${now}::timestamptz - g * interval '1 minute' * 1.008 AS at) t
  `.execute(db)
  await sql`
    INSERT INTO sales_order (number, store_id, channel, status, payment_mode, pickup_slot_start, pickup_slot_end,
                             currency_code, subtotal_minor, tax_minor, total_minor, created_at)
    SELECT 'O' || g, ${store.id}, 'APP', CASE WHEN g % 10 = 0 THEN 'PREPARING' ELSE 'PLACED' END, 'AT_PICKUP',
           date_trunc('hour', ${now}::timestamptz) + (1 + g % 40) * interval '30 minutes',
           date_trunc('hour', ${now}::timestamptz) + (2 + g % 40) * interval '30 minutes', 'EUR', 0, 0, 0, ${now}
    FROM generate_series(1, ${OPEN}) g
  `.execute(db)
  await sql`
    INSERT INTO order_line (order_id, line_number, variant_id, sku, title, quantity, unit_price_minor, tax_rate_bp)
    SELECT o.id, k, ${variant.id}, ${variant.sku}, ${variant.title}, 1 + k % 3, 100, 2000
    FROM sales_order o, generate_series(1, 1 + abs(hashtext(o.id::text)) % 3) k WHERE o.store_id = ${store.id}
  `.execute(db)
  await sql`
    INSERT INTO order_status_change (order_id, status, actor_type, at)
    SELECT id, 'PREPARING', 'STAFF', coalesce(ready_at, ${now}::timestamptz) - interval '4 minutes' - (abs(hashtext(id::text)) % 300) * interval '1 second'
    FROM sales_order WHERE store_id = ${store.id} AND status IN ('COLLECTED', 'PREPARING')
  `.execute(db)
  await sql`ANALYZE`.execute(db)
  await inTransaction(db, (trx) => learnStorePrepStats(trx, store.id, now))

  console.log(`${HISTORY} ready orders, ${OPEN} open, one store; ms per call over ${RUNS} calls\n`)
  console.log('| call | p50 | p95 |\n|---|---|---|')
  await timed('learnStorePrepStats (the outbox consumer, per store and batch)', () =>
    inTransaction(db, (trx) => learnStorePrepStats(trx, store.id, now)),
  )
  await timed('estimateReadyAt (Store.estimatedReadyAt)', () => estimateReadyAt(db, store, 3, now))
  await timed('earliestPickupSlot (checkout with pickupAsap)', () => earliestPickupSlot(db, store, 3, now))
  await timed('estimateStoreQueue (atRisk of a board page)', () => estimateStoreQueue(db, store.id, now))
} finally {
  await db.destroy()
  await admin(`DROP DATABASE ${name}`)
}
