import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stockedStore } from '../fixtures/orders.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { STORE_CODE } from './hostile/world.js'
import { runHostileClient } from './hostile-client.js'

/** Enough stock and slot room for every order the probes place. */
const PROBE_STOCK = 100_000
const PROBE_SLOT_CAPACITY = 10_000

let testDb: TestDb
let server: { child: ChildProcess; baseUrl: string; exited: Promise<number | null> } | undefined

/** The server as it is deployed: its own process, on this file's fresh seeded PostgreSQL database. */
function startServer(databaseUrl: string): Promise<NonNullable<typeof server>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JWT_SECRET: randomBytes(32).toString('hex'),
      PAYMENT_PROVIDER: 'offline',
      // The probes speak from addresses of their own through X-Forwarded-For, as behind a proxy.
      TRUST_PROXY: '127.0.0.1',
      // Off by default under NODE_ENV=test; on here as in production (each probe speaks from its own address).
      RATE_LIMIT_REQUESTS_PER_MINUTE: '300',
      CORS_ORIGINS: 'https://shop.hostile.example',
      METRICS_TOKEN: randomBytes(24).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000)
    const onData = (chunk: Buffer) => {
      // Only the start matters; the request log that follows is read and dropped.
      if (output.length > 64 * 1024) return
      output += chunk.toString()
      const match = /"port":(\d+).*"msg":"listening"/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, baseUrl: `http://127.0.0.1:${match[1]}`, exited })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
}

beforeAll(async () => {
  testDb = await createTestDb()
  if (!testDb.url) return
  await stockedStore(testDb.db, STORE_CODE, { onHand: PROBE_STOCK, slotCapacity: PROBE_SLOT_CAPACITY })
  server = await startServer(testDb.url)
})
afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  await testDb.destroy()
})

describe('the hostile client of issue #12', () => {
  it.skipIf(!process.env.DATABASE_URL && !process.env.TEST_DATABASE_URL)(
    'finds nothing against a fresh seeded server on PostgreSQL',
    async () => {
      const log: string[] = []
      const run = await runHostileClient(server!.baseUrl, { forwardedFor: true, log: (line) => log.push(line) })
      console.log(log.join('\n'))
      expect(run.findings).toEqual([])
    },
    240_000,
  )
})
