import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let dataDir: string

beforeAll(async () => {
  testDb = await createTestDb()
  dataDir = mkdtempSync(join(tmpdir(), 'comptoir-shutdown-'))
})
afterAll(async () => {
  await testDb.destroy()
  rmSync(dataDir, { recursive: true, force: true })
})

function startServer(): Promise<{
  child: ChildProcess
  port: number
  output: () => string
  exited: Promise<number | null>
}> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
  }
  // On PostgreSQL, serve this file's database; otherwise a fresh embedded one in a temp folder.
  env.DATABASE_URL = testDb.url ?? undefined
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /"port":(\d+).*"msg":"listening"/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, port: Number(match[1]), output: () => output, exited })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
  })
}

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const server = await startServer()
    const body = JSON.stringify({ query: '{ products(first: 3) { edges { node { slug } } } }' })
    const half = Math.floor(body.length / 2)
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        },
      )
      req.on('error', reject)
      // Half the body now: the server has accepted the request and is waiting for the rest.
      req.write(body.slice(0, half))
      setTimeout(() => {
        server.child.kill('SIGTERM')
        setTimeout(() => req.end(body.slice(half)), 300)
      }, 300)
    })
    const finished = await response
    expect(finished.status).toBe(200)
    expect(JSON.parse(finished.text).data.products.edges).toHaveLength(3)
    expect(await server.exited).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
  }, 60_000)

  it('ends open subscriptions instead of waiting for them, then exits 0', async () => {
    const server = await startServer()
    const url = `http://127.0.0.1:${server.port}/graphql`
    const created = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { cartCreate(input: { channel: WEB }) { cart { id } cartToken } }' }),
    })
    const { data } = (await created.json()) as { data: { cartCreate: { cart: { id: string }; cartToken: string } } }
    const stream = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-cart-token': data.cartCreate.cartToken,
      },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { cartUpdated(cartId: $id) { id } }',
        variables: { id: data.cartCreate.cart.id },
      }),
    })
    expect(stream.status).toBe(200)
    const started = Date.now()
    server.child.kill('SIGTERM')
    // The stream ends (the body finishes) rather than hanging until the grace period.
    await stream.text()
    expect(await server.exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(8000)
  }, 60_000)
})
