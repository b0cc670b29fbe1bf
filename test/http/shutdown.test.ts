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

function startServer(options: { env?: Record<string, string>; detached?: boolean } = {}): Promise<{
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
    PAYMENT_PROVIDER: 'offline',
    ...options.env,
  }
  // On PostgreSQL, serve this file's database; otherwise a fresh embedded one in a temp folder.
  env.DATABASE_URL = testDb.url ?? undefined
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
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

/** Log lines of about this size: a 404 logs its path, so a few requests fill a pipe's buffer. */
function longPathRequest(port: number, done: () => void) {
  const req = request({ host: '127.0.0.1', port, path: `/${'x'.repeat(8000)}` }, (res) => {
    res.resume()
    res.on('end', done)
  })
  req.on('error', done)
  req.end()
}

describe('shutdown when nobody reads the log any more', () => {
  // As found: the process reading the server's stdout stops reading (it crashed or its session
  // closed) while the pipe stays open, the pipe fills, then the process group gets SIGTERM.
  it('keeps serving with a full stdout pipe, and SIGTERM to the process group still ends it', async () => {
    const server = await startServer({ env: { SHUTDOWN_GRACE_MS: '3000' }, detached: true })
    server.child.stdout?.removeAllListeners('data')
    server.child.stdout?.pause()
    let answered = 0
    await new Promise<void>((resolve) => {
      const next = () => {
        answered += 1
        if (answered === 40) resolve()
        else longPathRequest(server.port, next)
      }
      longPathRequest(server.port, next)
      // With a log that blocks, the server stops answering once the pipe is full.
      setTimeout(resolve, 10_000).unref()
    })
    expect(answered).toBe(40)
    process.kill(-(server.child.pid as number), 'SIGTERM')
    const code = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))])
    if (code === 'hung') process.kill(-(server.child.pid as number), 'SIGKILL')
    expect(code).toBe(0)
  }, 60_000)

  it('exits 0 when the reader closed its end of the pipe', async () => {
    const server = await startServer({ env: { SHUTDOWN_GRACE_MS: '3000' }, detached: true })
    server.child.stdout?.destroy()
    await new Promise<void>((resolve) => longPathRequest(server.port, resolve))
    process.kill(-(server.child.pid as number), 'SIGTERM')
    const code = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))])
    if (code === 'hung') process.kill(-(server.child.pid as number), 'SIGKILL')
    expect(code).toBe(0)
  }, 60_000)
})

describe('shutdown watchdog', () => {
  it('kills the process after the grace period even when its event loop never comes back', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "import { armShutdownWatchdog } from './src/shutdown-watchdog.ts'; armShutdownWatchdog(300); for (;;) {}",
      ],
      { stdio: 'ignore' },
    )
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    const signal = await Promise.race([ended, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))])
    if (signal === 'hung') child.kill('SIGKILL')
    expect(signal).toBe('SIGKILL')
  }, 30_000)
})
