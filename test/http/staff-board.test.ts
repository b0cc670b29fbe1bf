import { existsSync } from 'node:fs'
import { Script } from 'node:vm'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenIssuer, hashRefreshToken } from '../../src/auth/access-token.js'
import { hashPassword } from '../../src/auth/password.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { type AppPubSub, createAppPubSub } from '../../src/modules/events/pubsub.js'
import { createSmtpProvider } from '../../src/modules/notifications/smtp.provider.js'
import { cartHeaders } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { openAllDay, placeOrder } from '../fixtures/orders.js'
import { linkTokenIn, sendQueuedMail, staffCall } from '../fixtures/staff.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { startSmtpServer } from '../helpers/smtp-server.js'
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
/** The app's clock: pinned, and moved on by a test that needs an order to run late. */
let clock = NOW
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const MANAGER = { email: 'manager.par-rivoli@comptoir.dev', password: 'comptoir-staff' }

let testDb: TestDb
let api: TestApp
let live: LiveServer
let dispatcher: OutboxDispatcher
let storeId: string
let variantId: string
let boardPubSub: AppPubSub

beforeAll(async () => {
  testDb = await createTestDb()
  storeId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  await openAllDay(testDb.db, storeId)
  variantId = await variantIdBySku(testDb.db)
  await setLevel(testDb.db, storeId, variantId, { on_hand: 40 })
  const pubsub = createAppPubSub()
  boardPubSub = pubsub
  api = createTestApp(testDb, { pubsub, now: () => clock })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
})
afterAll(async () => {
  await live?.close()
  await dispatcher?.stop()
  await testDb?.destroy()
})

describe('GET /staff, the pickup board page', () => {
  it('is served with a strict CSP, no framing, no referrer and revalidating caches', async () => {
    const response = await api.app.request('/staff')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    const etag = response.headers.get('etag')
    expect(etag).toBeTruthy()
    expect((await api.app.request('/staff', { headers: { 'if-none-match': etag ?? '' } })).status).toBe(304)

    const html = await response.text()
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts).toHaveLength(1)
    expect(scripts[0]?.[2]).toBe('')
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=/i)
    expect(html).toMatch(/<link rel="stylesheet" href="\/staff\/board\.css\?v=[0-9a-f]{8}">/)
  })

  it('serves its script and stylesheet, cached for good only under their versioned URL', async () => {
    const html = await (await api.app.request('/staff')).text()
    const scriptUrl = /<script src="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(scriptUrl).toMatch(/^\/staff\/board\.js\?v=[0-9a-f]{8}$/)
    const script = await api.app.request(scriptUrl)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(script.headers.get('content-security-policy')).toContain("script-src 'self'")
    const source = await script.text()
    expect(() => new Script(source, { filename: 'board.js' })).not.toThrow()
    // Data reaches the DOM as text only, and the token stays in this tab's sessionStorage.
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage|EventSource/)
    expect((await api.app.request('/staff/board.js')).headers.get('cache-control')).toBe('no-cache')
    const styles = await api.app.request('/staff/board.css')
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8')
  })
})

describe('the pickup board in a real browser', () => {
  let launched: Promise<Browser> | undefined

  /**
   * Started by the first test that needs it, so that a missing Chromium fails each browser test
   * with this message rather than skipping them: CI installs it.
   */
  function browser(): Promise<Browser> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium is required for the /staff board test and is missing at ${CHROMIUM_PATH}: ` +
          'install Debian’s package (`apt-get install -y chromium`, as .ci/run does) or set CHROMIUM_PATH.',
      )
    }
    launched ??= chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
      ],
    })
    return launched
  }
  afterAll(async () => {
    await (await launched)?.close()
  })

  /** A tablet-sized page that records script errors, CSP violations and every URL it requests. */
  async function openBoard() {
    const page = await (await browser()).newPage({ viewport: { width: 1024, height: 768 }, hasTouch: true })
    const problems: string[] = []
    const urls: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      const from = message.location().url
      if (message.type() === 'error' && !from.endsWith('/favicon.ico')) problems.push(`${message.text()} (${from})`)
    })
    page.on('request', (request) => urls.push(request.url()))
    await page.goto(`${new URL(live.url).origin}/staff`)
    return { page, problems, urls }
  }

  async function signIn(page: Page, account: { email: string; password: string }) {
    await page.fill('#sign-in-email', account.email)
    await page.fill('#sign-in-password', account.password)
    await page.click('#sign-in-submit')
  }

  const card = (page: Page, orderId: string, status?: string) =>
    page.locator(`article[data-order-id="${orderId}"]${status ? `[data-status="${status}"]` : ''}`)

  it('shows a new order live, then takes it through preparing, ready and a hand-over with the code', async () => {
    const { page, problems, urls } = await openBoard()
    await signIn(page, MANAGER)
    await page.locator('#live-status', { hasText: 'Live' }).waitFor()
    expect(await page.textContent('#store-name')).toBe('Comptoir Rivoli')
    await page.evaluate('window.boardLoadedOnce = true')

    const { result, cartToken } = await placeOrder(api, {
      storeGid: globalId('Store', storeId),
      lines: [{ variantId: globalId('Variant', variantId), quantity: 2 }],
    })
    expect(result.userErrors).toEqual([])
    const order = result.order!
    const pickupCode = result.pickupCode!

    // It appears in "To prepare" without a reload, under its slot, and its pick list opens.
    await card(page, order.id, 'PLACED').waitFor({ timeout: 10_000 })
    expect(await page.evaluate('window.boardLoadedOnce')).toBe(true)
    const placed = card(page, order.id)
    expect(await placed.locator('.number').textContent()).toBe(`#${order.number}`)
    await page.locator(`section[data-column="PLACED"] article[data-order-id="${order.id}"]`).waitFor()
    await placed.locator('[data-action="lines"]').click()
    await placed.locator('table.lines', { hasText: order.lines[0]!.sku }).waitFor()

    // Placed at the first slot the lead time allows, it is not at risk yet.
    expect(await placed.locator('.badge.at-risk').count()).toBe(0)
    // Five minutes before its slot, unstarted (the store's 30-minute lead time, no history), and
    // the customer says "I'm here": the card is flagged at risk, and shows the wait.
    clock = new Date(Date.parse(order.pickupSlotStart) - 5 * 60_000)
    const arrived = await api.gql<{ orderArrive: { userErrors: unknown[] } }>(
      'mutation($input: OrderArriveInput!) { orderArrive(input: $input) { userErrors { code } } }',
      { input: { orderId: order.id } },
      { headers: cartHeaders(cartToken) },
    )
    expect(arrived.data?.orderArrive.userErrors).toEqual([])
    await placed.locator('.badge.arrived', { hasText: 'Waiting 0 min' }).waitFor()
    await placed.locator('.badge.at-risk', { hasText: 'At risk' }).waitFor()

    // Past the slot's start: late says more, and replaces it.
    clock = new Date(Date.parse(order.pickupSlotStart) + 5 * 60_000)
    await placed.locator('[data-action="start"]').click()
    const preparing = card(page, order.id, 'PREPARING')
    await preparing.locator('.badge.late', { hasText: 'Late' }).waitFor()
    expect(await preparing.locator('.badge.at-risk').count()).toBe(0)
    await preparing.locator('[data-action="ready"]').click()
    const ready = card(page, order.id, 'READY_FOR_PICKUP')
    await ready.waitFor()

    // A wrong code is refused inline; the right one (with the cash for a pay-at-pickup order) hands it over.
    const wrongCode = pickupCode === '000000' ? '111111' : '000000'
    await ready.locator('input[name="pickupCode"]').fill(wrongCode)
    expect(await ready.locator('input[name="cashReceived"]').inputValue()).toBe(
      (order.total.amountMinor / 100).toFixed(2),
    )
    await ready.locator('[data-action="collect"]').click()
    await ready.locator('.error', { hasText: 'This pickup code is not right.' }).waitFor()
    await ready.locator('input[name="pickupCode"]').fill(pickupCode)
    await ready.locator('input[name="cashReceived"]').fill('1000')
    await ready.locator('[data-action="collect"]').click()
    await card(page, order.id).waitFor({ state: 'detached' })
    await page.locator('#notice', { hasText: `Order #${order.number} handed over, change due` }).waitFor()

    const row = await testDb.db
      .selectFrom('sales_order')
      .select(['status', 'collected_at'])
      .where('id', '=', Buffer.from(order.id, 'base64').toString().split(':')[1]!)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('COLLECTED')
    expect(row.collected_at).not.toBeNull()

    // The token stayed in headers and this tab's sessionStorage.
    const session = String(await page.evaluate('sessionStorage.getItem("comptoir.board.session")'))
    const token = (JSON.parse(session) as { token: string }).token
    expect(token.length).toBeGreaterThan(20)
    expect(urls.some((url) => url.includes(token))).toBe(false)
    expect(await page.evaluate('localStorage.length')).toBe(0)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  it('lets an admin choose the store, keeps the session across a reload, and signs out', async () => {
    const { page, problems } = await openBoard()
    await signIn(page, { email: 'admin@comptoir.dev', password: 'wrong-password' })
    await page.locator('#sign-in-error:not(:empty)').waitFor()
    await signIn(page, { email: 'admin@comptoir.dev', password: 'comptoir-admin' })
    await page.locator('#store-list button', { hasText: 'PAR-RIVOLI' }).click()
    await page.locator('#live-status', { hasText: 'Live' }).waitFor()
    expect(await page.textContent('#store-name')).toBe('Comptoir Rivoli')

    await page.reload()
    await page.locator('#live-status', { hasText: 'Live' }).waitFor()
    expect(await page.textContent('#store-name')).toBe('Comptoir Rivoli')

    await page.click('#sign-out')
    await page.locator('#sign-in-view').waitFor()
    expect(await page.evaluate('sessionStorage.length')).toBe(0)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  it('lets a member of two stores choose between those two only', async () => {
    const email = 'two.stores@example.com'
    const rennesId = await storeIdByCode(testDb.db, 'PAR-RENNES')
    const passwordHash = await hashPassword('comptoir-staff')
    await testDb.db.transaction().execute(async (trx) => {
      const staff = await trx
        .insertInto('staff')
        .values({ email, name: 'Sam Two', password_hash: passwordHash, role: 'ASSOCIATE' })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('staff_store')
        .values([
          { staff_id: staff.id, store_id: storeId },
          { staff_id: staff.id, store_id: rennesId },
        ])
        .execute()
    })
    const { page, problems } = await openBoard()
    await signIn(page, { email, password: 'comptoir-staff' })
    await page.locator('#store-view').waitFor()
    const choices = await page.locator('#store-list button').allTextContents()
    expect(choices.map((text) => text.split(' · ')[1]).sort()).toEqual(['PAR-RENNES', 'PAR-RIVOLI'])
    await page.locator('#store-list button', { hasText: 'PAR-RENNES' }).click()
    await page.locator('#live-status', { hasText: 'Live' }).waitFor()
    expect(await page.isVisible('#change-store')).toBe(true)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  it('lets a new member set a password from the mailed link, then sign in with it', async () => {
    const smtp = await startSmtpServer()
    try {
      const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
      const email = 'board.newcomer@example.com'
      const storeIds = [globalId('Store', storeId)]
      const created = await staffCall(api, admin, 'staffCreate', {
        email,
        name: 'Noor New',
        role: 'ASSOCIATE',
        storeIds,
      })
      expect(created.payload?.userErrors).toEqual([])
      await sendQueuedMail(
        testDb.db,
        createSmtpProvider({ url: smtp.url, from: 'Comptoir <no-reply@comptoir.dev>' }),
        clock,
      )
      const token = linkTokenIn(smtp.received, email)

      const { page, problems, urls } = await openBoard()
      await page.goto(`${new URL(live.url).origin}/staff/password#token=${token}`)
      await page.locator('#set-password-view').waitFor()
      // The token leaves the address bar at once and is never part of a requested URL.
      expect(new URL(page.url()).hash).toBe('')
      await page.fill('#set-password-new', 'a long and varied secret')
      await page.fill('#set-password-repeat', 'a different secret')
      await page.click('#set-password-submit')
      expect(await page.locator('#set-password-error').textContent()).toContain('differ')
      await page.fill('#set-password-repeat', 'a long and varied secret')
      await page.click('#set-password-submit')
      await page.locator('#sign-in-notice', { hasText: 'password is set' }).waitFor()
      await signIn(page, { email, password: 'a long and varied secret' })
      await page.locator('#live-status', { hasText: 'Live' }).waitFor()
      expect(await page.textContent('#store-name')).toBe('Comptoir Rivoli')

      // The link worked once: opened again, it is refused in place.
      const again = await (await browser()).newPage()
      await again.goto(`${new URL(live.url).origin}/staff/password#token=${token}`)
      await again.fill('#set-password-new', 'another long secret here')
      await again.fill('#set-password-repeat', 'another long secret here')
      await again.click('#set-password-submit')
      await again.locator('#set-password-error:not(:empty)').waitFor()
      await again.close()

      expect(urls.some((url) => url.includes(token))).toBe(false)
      expect(problems).toEqual([])
      await page.close()
    } finally {
      await smtp.close()
    }
  }, 60_000)

  it('renews its short-lived token before it runs out, stays live, and ends the session on sign-out', async () => {
    // A 65-second token: the board trades it a minute before expiry, so about 5 s after sign-in.
    const shortLived = createTestApp(testDb, {
      pubsub: boardPubSub,
      now: () => clock,
      accessTokens: createAccessTokenIssuer(TEST_JWT_SECRET, {
        accessTokenTtlMinutes: 65 / 60,
        refreshTokenTtlDays: 1,
      }),
    })
    const server = await startLiveServer(shortLived)
    const page = await (await browser()).newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    try {
      await page.goto(`${new URL(server.url).origin}/staff`)
      await signIn(page, MANAGER)
      await page.locator('#live-status', { hasText: 'Live' }).waitFor()
      const sessionNow = async () =>
        JSON.parse(String(await page.evaluate('sessionStorage.getItem("comptoir.board.session")'))) as {
          token: string
          refreshToken: string
        }
      const first = await sessionNow()
      await page.waitForFunction(
        (token) => !String(sessionStorage.getItem('comptoir.board.session')).includes(token),
        first.token,
        { timeout: 20_000 },
      )
      const renewed = await sessionNow()
      expect(renewed.refreshToken).not.toBe(first.refreshToken)
      expect(await page.textContent('#store-name')).toBe('Comptoir Rivoli')

      await page.click('#sign-out')
      await page.locator('#sign-in-view').waitFor()
      const revoked = async () =>
        (
          await testDb.db
            .selectFrom('refresh_token')
            .innerJoin('auth_session', 'auth_session.id', 'refresh_token.session_id')
            .select('auth_session.revoked_at')
            .where('refresh_token.token_hash', '=', hashRefreshToken(renewed.refreshToken))
            .executeTakeFirstOrThrow()
        ).revoked_at
      await expect.poll(revoked).not.toBeNull()
      expect(problems).toEqual([])
    } finally {
      await page.close()
      await server.close()
    }
  }, 60_000)
})
