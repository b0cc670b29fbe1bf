import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { readEvents, type SseSubscription } from './http-server.js'

/** src/server.ts in a child process, as deployed: its own event loop, pool, dispatchers and jobs. */
export interface ServerProcess {
  url: string
  /** The server's own process (node, with tsx preloaded): what a bench reads its CPU time from. */
  pid: number
  /** Everything it has written to stdout and stderr so far. */
  output(): string
  /** Resolves once a log line matches, now or later. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>
  gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: unknown[] }>
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<SseSubscription<T>>
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const waiters = new Set<() => void>()
  let output = ''
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    for (const waiter of waiters) waiter()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const aborts = new Set<AbortController>()

  function waitForLog(pattern: RegExp, timeoutMs = 45_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${output}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }

  await waitForLog(/"msg":"listening"/)
  const port = Number(/"port":(\d+)[^\n]*"msg":"listening"/.exec(output)?.[1])
  const url = `http://127.0.0.1:${port}/graphql`
  return {
    url,
    pid: child.pid ?? 0,
    output: () => output,
    waitForLog,
    async gql(query, variables = {}, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      })
      return response.json()
    },
    async subscribe<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
      const abort = new AbortController()
      aborts.add(abort)
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: abort.signal,
      })
      if (!response.ok || !response.body) throw new Error(`subscription answered ${response.status}`)
      return readEvents<T>(response.body, abort)
    },
    async stop() {
      for (const abort of aborts) abort.abort()
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** A redis-server of the test's own on a free port, which the test may stop and start again. */
export interface RedisProcess {
  url: string
  start(): Promise<void>
  stop(): Promise<void>
}

export async function redisOnFreePort(): Promise<RedisProcess> {
  const port = await freePort()
  let child: ChildProcess | null = null
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      child = started
      await new Promise<void>((resolve, reject) => {
        let output = ''
        const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000)
        started.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          if (output.includes('Ready to accept connections')) {
            clearTimeout(timer)
            resolve()
          }
        })
        started.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)))
      })
    },
    async stop() {
      const running = child
      child = null
      if (!running || running.exitCode !== null) return
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
      running.kill('SIGTERM')
      await exited
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}
