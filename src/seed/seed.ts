import { type Insertable, sql } from 'kysely'
import { deviceKeyHash } from '../auth/device-keys.js'
import { hashPassword } from '../auth/password.js'
import type { Db } from '../db/create-db.js'
import type { InventoryLevelTable, NewStockMovement, StaffRole } from '../db/database.js'
import type { Trx } from '../db/transaction.js'
import { CATEGORIES, PRODUCTS } from './catalog.data.js'
import { STORES } from './stores.data.js'

export interface SeedSummary {
  /** True when the database already had stores, in which case nothing was written and every count is 0. */
  skipped: boolean
  categories: number
  products: number
  variants: number
  stores: number
  inventoryLevels: number
  stockMovements: number
  staff: number
}

export interface DemoAccount {
  email: string
  password: string
  name: string
  role: StaffRole
  storeCode: string | null
}

const ADMIN_PASSWORD = 'comptoir-admin'
/** The demo shopper, so that anyone can try the customer side (DESIGN.md, Running). */
export const DEMO_CUSTOMER = { email: 'alice@comptoir.dev', password: 'comptoir-alice', name: 'Alice Martin' } as const
const STAFF_PASSWORD = 'comptoir-staff'

/**
 * The demo's client keys (channels/request-origin.ts), known so that the README can give them:
 * like the demo passwords, they are for trying Comptoir out. A deployment seeded with them revokes
 * them (storefrontKeyRevoke, kioskRevoke) and creates its own.
 */
export const DEMO_CLIENT_KEYS = {
  web: { name: 'Demo web shop', channel: 'WEB', key: 'csk_demo_web_storefront' },
  app: { name: 'Demo mobile app', channel: 'APP', key: 'csk_demo_app_storefront' },
  kiosk: { name: 'Demo kiosk', storeCode: 'PAR-RIVOLI', key: 'ckk_demo_kiosk_par_rivoli' },
} as const

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'admin@comptoir.dev', password: ADMIN_PASSWORD, name: 'Ada Admin', role: 'ADMIN', storeCode: null },
  ...STORES.map((store) => ({
    email: `manager.${store.code.toLowerCase()}@comptoir.dev`,
    password: STAFF_PASSWORD,
    name: store.managerName,
    role: 'MANAGER' as const,
    storeCode: store.code,
  })),
]

const CURRENCY_CODE = 'EUR'
// Well under Postgres' 65,535 bind-parameter limit even for the widest row, yet few round trips.
const ROWS_PER_INSERT = 500
// Arbitrary constant shared by every process that seeds, so concurrent seeds queue on one lock.
const SEED_LOCK_KEY = 7_340_112
const STOCK_RANDOM_SEED = 20261123

/**
 * Inserts the demo catalogue, stores, stock and staff in one transaction, or nothing at all when
 * any store already exists, so it is safe to call on every start.
 */
export async function seedDemoData(db: Db): Promise<SeedSummary> {
  return db.transaction().execute(async (trx) => {
    // Two servers starting on the same empty database must not both seed: the second waits here,
    // then sees the first one's stores and skips.
    await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`.execute(trx)
    const anyStore = await trx.selectFrom('store').select('id').limit(1).executeTakeFirst()
    if (anyStore) return emptySummary(true)
    return insertDemoData(trx)
  })
}

function emptySummary(skipped: boolean): SeedSummary {
  return {
    skipped,
    categories: 0,
    products: 0,
    variants: 0,
    stores: 0,
    inventoryLevels: 0,
    stockMovements: 0,
    staff: 0,
  }
}

async function insertDemoData(trx: Trx): Promise<SeedSummary> {
  // scrypt is deliberately slow, so each distinct password is hashed once, on libuv's thread pool
  // while the inserts run. The no-op catch only keeps an early insert failure from also reporting
  // an unhandled rejection; the await below still sees any hashing error.
  const passwordHashes = Promise.all([
    hashPassword(ADMIN_PASSWORD),
    hashPassword(STAFF_PASSWORD),
    hashPassword(DEMO_CUSTOMER.password),
  ])
  passwordHashes.catch(() => {})

  const categoryIds = idsBy(
    await trx
      .insertInto('category')
      .values(CATEGORIES.map(({ slug, name }) => ({ slug, name })))
      .returning(['id', 'slug as key'])
      .execute(),
  )

  const productIds = new Map<string, string>()
  for (const chunk of chunked(PRODUCTS)) {
    const rows = chunk.map((product) => ({
      slug: product.slug,
      title: product.title,
      description: product.description,
      category_id: idOf(categoryIds, product.categorySlug),
    }))
    const inserted = await trx.insertInto('product').values(rows).returning(['id', 'slug as key']).execute()
    for (const [key, id] of idsBy(inserted)) productIds.set(key, id)
  }

  const variantRows = PRODUCTS.flatMap((product) =>
    product.variants.map((variant) => ({
      product_id: idOf(productIds, product.slug),
      sku: variant.sku,
      barcode: variant.barcode,
      title: variant.title,
      price_minor: variant.priceMinor,
      currency_code: CURRENCY_CODE,
      tax_rate_bp: variant.taxRateBp,
      position: variant.position,
    })),
  )
  const variantIds = new Map<string, string>()
  for (const chunk of chunked(variantRows)) {
    const inserted = await trx.insertInto('variant').values(chunk).returning(['id', 'sku as key']).execute()
    for (const [key, id] of idsBy(inserted)) variantIds.set(key, id)
  }

  const storeIds = idsBy(
    await trx
      .insertInto('store')
      .values(
        STORES.map((store) => ({
          code: store.code,
          name: store.name,
          address_line1: store.addressLine1,
          city: store.city,
          postal_code: store.postalCode,
          country: store.country,
          latitude: store.latitude,
          longitude: store.longitude,
          time_zone: store.timeZone,
          opening_hours: JSON.stringify(store.openingHours),
          currency_code: store.currencyCode,
          preparation_minutes: store.preparationMinutes,
          slot_minutes: store.slotMinutes,
          slot_capacity: store.slotCapacity,
          hold_hours: store.holdHours,
          low_stock_threshold: store.lowStockThreshold,
        })),
      )
      .returning(['id', 'code as key'])
      .execute(),
  )

  // Walk stores and variants in data-file order so the same seed always yields the same stock.
  const random = seededRandom(STOCK_RANDOM_SEED)
  const levels: Insertable<InventoryLevelTable>[] = []
  const movements: NewStockMovement[] = []
  for (const store of STORES) {
    const storeId = idOf(storeIds, store.code)
    for (const variant of PRODUCTS.flatMap((product) => product.variants)) {
      const variantId = idOf(variantIds, variant.sku)
      const { onHand, safetyStock } = demoStockLevel(random)
      levels.push({ store_id: storeId, variant_id: variantId, on_hand: onHand, reserved: 0, safety_stock: safetyStock })
      // The ledger must sum to the level, and a zero delta is not a movement (the table forbids it).
      if (onHand > 0) {
        movements.push({
          store_id: storeId,
          variant_id: variantId,
          on_hand_delta: onHand,
          reserved_delta: 0,
          reason: 'RECEIPT',
          order_id: null,
          actor_type: 'SYSTEM',
          actor_id: null,
          reference: 'seed',
          note: null,
        })
      }
    }
  }
  for (const chunk of chunked(levels)) await trx.insertInto('inventory_level').values(chunk).execute()
  for (const chunk of chunked(movements)) await trx.insertInto('stock_movement').values(chunk).execute()

  const [adminHash, staffHash, customerHash] = await passwordHashes
  const staffRows = DEMO_ACCOUNTS.map((account) => ({
    email: account.email,
    name: account.name,
    password_hash: account.role === 'ADMIN' ? adminHash : staffHash,
    role: account.role,
  }))
  const staff = await trx.insertInto('staff').values(staffRows).returning(['id', 'email']).execute()
  const storeOfEmail = new Map(DEMO_ACCOUNTS.map((account) => [account.email, account.storeCode]))
  const memberships = staff.flatMap((member) => {
    const code = storeOfEmail.get(member.email)
    return code ? [{ staff_id: member.id, store_id: idOf(storeIds, code) }] : []
  })
  if (memberships.length > 0) await trx.insertInto('staff_store').values(memberships).execute()
  await trx
    .insertInto('customer')
    .values({ email: DEMO_CUSTOMER.email, name: DEMO_CUSTOMER.name, password_hash: customerHash })
    .execute()
  const { web, app, kiosk } = DEMO_CLIENT_KEYS
  await trx
    .insertInto('storefront')
    .values(
      [web, app].map((storefront) => ({
        name: storefront.name,
        channel: storefront.channel,
        key_hash: deviceKeyHash(storefront.key),
        created_by: null,
      })),
    )
    .execute()
  await trx
    .insertInto('kiosk')
    .values({
      store_id: idOf(storeIds, kiosk.storeCode),
      name: kiosk.name,
      key_hash: deviceKeyHash(kiosk.key),
      registered_by: null,
    })
    .execute()

  return {
    ...emptySummary(false),
    categories: categoryIds.size,
    products: productIds.size,
    variants: variantIds.size,
    stores: storeIds.size,
    inventoryLevels: levels.length,
    stockMovements: movements.length,
    staff: staffRows.length,
  }
}

/**
 * About 10% out of stock, 12% low (1..4 units, under every store's low-stock threshold) and the
 * rest 5..60; a few levels keep 1..2 units back as safety stock.
 */
function demoStockLevel(random: () => number): { onHand: number; safetyStock: number } {
  const roll = random()
  const onHand = roll < 0.1 ? 0 : roll < 0.22 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * 56)
  const safetyStock = random() < 0.05 ? 1 + Math.floor(random() * 2) : 0
  return { onHand, safetyStock }
}

/** mulberry32: a tiny PRNG whose sequence depends only on the seed, unlike Math.random. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), state | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296
  }
}

function chunked<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    chunks.push(rows.slice(start, start + ROWS_PER_INSERT))
  }
  return chunks
}

function idsBy(rows: readonly { id: string; key: string }[]): Map<string, string> {
  return new Map(rows.map((row) => [row.key, row.id]))
}

function idOf(ids: Map<string, string>, key: string): string {
  const id = ids.get(key)
  if (id === undefined) throw new Error(`seed: no id was returned for ${key}`)
  return id
}
