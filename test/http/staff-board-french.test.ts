import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { openAllDay, placeOrder } from '../fixtures/orders.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const MANAGER = { email: 'manager.par-rivoli@comptoir.dev', password: 'comptoir-staff' }

let testDb: TestDb
let api: TestApp
let live: LiveServer
let dispatcher: OutboxDispatcher
let storeId: string
let variantId: string
let launched: Promise<Browser> | undefined

beforeAll(async () => {
  testDb = await createTestDb()
  storeId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  await openAllDay(testDb.db, storeId)
  variantId = await variantIdBySku(testDb.db)
  await setLevel(testDb.db, storeId, variantId, { on_hand: 40 })
  const pubsub = createAppPubSub()
  api = createTestApp(testDb, { pubsub, now: () => NOW })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
})
afterAll(async () => {
  await (await launched)?.close()
  await live?.close()
  await dispatcher?.stop()
  await testDb?.destroy()
})

function browser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is required at ${CHROMIUM_PATH} (or set CHROMIUM_PATH).`)
  launched ??= chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
  return launched
}

const page = (path: string, headers: Record<string, string> = {}) => api.app.request(path, { headers })
const langOf = async (response: Response) => /<html lang="(\w+)"/.exec(await response.text())?.[1]

describe('the board’s language', () => {
  it('follows Accept-Language, then the switch, which a cookie keeps', async () => {
    expect(await langOf(await page('/staff'))).toBe('en')
    const french = await page('/staff', { 'Accept-Language': 'fr-CA,fr;q=0.9,en;q=0.8' })
    expect(french.headers.get('content-language')).toBe('fr')
    expect(french.headers.get('vary')).toContain('Accept-Language')
    const html = await french.text()
    expect(html).toContain('<h1>Tableau des retraits</h1>')
    expect(html).toContain('data-language-chosen="false"')
    expect(await langOf(await page('/staff', { 'Accept-Language': 'de-DE,de;q=0.9' }))).toBe('en')

    const switched = await page('/staff?lang=en', { 'Accept-Language': 'fr' })
    expect(await langOf(switched)).toBe('en')
    const cookie = switched.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^board_lang=en;/)
    expect(cookie).toContain('HttpOnly')
    const kept = await page('/staff', { 'Accept-Language': 'fr', Cookie: 'board_lang=en' })
    expect(await kept.text()).toContain('data-language-chosen="true"')
    expect(await langOf(await page('/staff?lang=xx', { 'Accept-Language': 'fr' }))).toBe('fr')
  })

  it('shows the French board in a French browser, live, and switches to English', async () => {
    const tab = await (await browser()).newPage({ locale: 'fr-FR', viewport: { width: 1024, height: 768 } })
    const problems: string[] = []
    tab.on('pageerror', (error) => problems.push(error.message))
    await tab.goto(`${new URL(live.url).origin}/staff`)
    expect(await tab.textContent('h1')).toBe('Tableau des retraits')
    expect(await tab.textContent('#sign-in-submit')).toBe('Se connecter')
    await tab.click('#sign-in-submit')
    expect(await tab.textContent('#sign-in-error')).toBe('Saisissez votre e-mail et votre mot de passe.')
    await tab.fill('#sign-in-email', MANAGER.email)
    await tab.fill('#sign-in-password', MANAGER.password)
    await tab.click('#sign-in-submit')
    await tab.locator('#live-status', { hasText: 'En direct' }).waitFor()

    const { result } = await placeOrder(api, {
      storeGid: globalId('Store', storeId),
      lines: [{ variantId: globalId('Variant', variantId), quantity: 2 }],
    })
    const order = result.order!
    const card = tab.locator(`article[data-order-id="${order.id}"]`)
    await card.waitFor({ timeout: 10_000 })
    expect(await tab.textContent('section[data-column="PLACED"] h2')).toContain('À préparer')
    expect(await card.locator('.meta').textContent()).toMatch(/^2 articles · .*€ à payer au comptoir$/)
    expect(await card.locator('[data-action="start"]').textContent()).toBe('Commencer la préparation')
    // The slot's heading in French, in the store's zone: "mar. 24 nov., …".
    expect(await tab.textContent('section[data-column="PLACED"] h3')).toMatch(/^[a-z]{3}\. \d{1,2} [a-zé]+\.?,? /)

    // The API's refusal, by its code, in French too.
    await card.locator('[data-action="start"]').click()
    await tab.locator(`article[data-order-id="${order.id}"][data-status="PREPARING"] [data-action="ready"]`).click()
    const ready = tab.locator(`article[data-order-id="${order.id}"][data-status="READY_FOR_PICKUP"]`)
    await ready.locator('input[name="pickupCode"]').fill(result.pickupCode === '000000' ? '111111' : '000000')
    await ready.locator('[data-action="collect"]').click()
    await ready.locator('.error', { hasText: 'Ce code de retrait n’est pas le bon.' }).waitFor()

    await tab.click('#languages a[hreflang="en"]')
    await tab.locator('#live-status', { hasText: 'Live' }).waitFor()
    expect(await tab.textContent('h1')).toBe('Pickup board')
    expect(await tab.locator(`article[data-order-id="${order.id}"] [data-action="collect"]`).textContent()).toBe(
      'Hand over',
    )
    expect(problems).toEqual([])
    await tab.close()
  }, 60_000)

  it('follows a member’s own language in an English browser that has not switched', async () => {
    const signIn = await api.gql<{ staffSignIn: { accessToken: string } }>(
      'mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { accessToken } }',
      { input: MANAGER },
    )
    const set = await api.gql<{ staffLocaleSet: { staff: { locale: string } } }>(
      'mutation($input: StaffLocaleSetInput!) { staffLocaleSet(input: $input) { staff { locale } userErrors { code } } }',
      { input: { locale: 'fr' } },
      { token: signIn.data!.staffSignIn.accessToken },
    )
    expect(set.data?.staffLocaleSet.staff.locale).toBe('fr')
    const tab = await (await browser()).newPage({ locale: 'en-GB' })
    await tab.goto(`${new URL(live.url).origin}/staff`)
    expect(await tab.textContent('h1')).toBe('Pickup board')
    await tab.fill('#sign-in-email', MANAGER.email)
    await tab.fill('#sign-in-password', MANAGER.password)
    await tab.click('#sign-in-submit')
    await tab.locator('#live-status', { hasText: 'En direct' }).waitFor()
    expect(await tab.textContent('h1')).toBe('Tableau des retraits')
    await tab.close()
  }, 60_000)
})
