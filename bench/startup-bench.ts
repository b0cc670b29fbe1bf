import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { ensureBuilt, ROOT } from './build.js'
import { type HttpRequest, measure } from './measure.js'

/** The issue's goals for one instance: peak RSS through a listing load, and cold start to /readyz. */
export const STARTUP_TARGET = { peakRssBytes: 256 * 1024 * 1024, coldStartMs: 1000 }

const STARTS = 5
const LISTING_CONNECTIONS = 64
const FIRST_PORT = 47_100

export type Runtime = 'compiled' | 'tsx'

/** Node's options in `npm start` (the heap cap), given to both runtimes so that only the loader differs. */
const START_OPTIONS = startOptions()

const COMMANDS: Record<Runtime, string[]> = {
  compiled: [...START_OPTIONS, 'dist/server.js'],
  // As `npm run dev` and the old `npm start` ran it: node with tsx's loader, so the pid is the server's.
  tsx: [...START_OPTIONS, '--import', 'tsx', 'src/server.ts'],
}

/** The `--…` options between `node` and the entry in package.json's start script. */
function startOptions(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } }
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'))
}

export interface RuntimeFigures {
  coldStartMs: number[]
  peakRssBytes: number
  listing: { requestsPerSecond: number; p99Ms: number; failures: number }
}

export type StartupReport = Record<Runtime, RuntimeFigures>

interface Started {
  child: ChildProcess
  baseUrl: string
  startMs: number
}

/**
 * Starts the server as its own process (compiled `dist/server.js`, then under tsx, alternately, so
 * a noisy moment of the machine falls on both), STARTS times each for the cold start to /readyz on
 * the bench's already-migrated database, then once each under a 64-connection listing load, whose
 * peak resident set (VmHWM) is read from /proc at the end.
 */
export async function measureStartup(
  url: string,
  listing: HttpRequest,
  durationSeconds: number,
  log: (line: string) => void,
): Promise<StartupReport> {
  ensureBuilt()
  const report: StartupReport = {
    compiled: { coldStartMs: [], peakRssBytes: 0, listing: { requestsPerSecond: 0, p99Ms: 0, failures: 0 } },
    tsx: { coldStartMs: [], peakRssBytes: 0, listing: { requestsPerSecond: 0, p99Ms: 0, failures: 0 } },
  }
  let port = FIRST_PORT
  for (let start = 1; start <= STARTS; start++) {
    for (const runtime of ['compiled', 'tsx'] as const) {
      const started = await startServer(runtime, url, port++)
      report[runtime].coldStartMs.push(started.startMs)
      log(`startup ${start}/${STARTS} ${runtime}: /readyz after ${started.startMs.toFixed(0)} ms`)
      await stop(started.child)
    }
  }
  for (const runtime of ['compiled', 'tsx'] as const) {
    const started = await startServer(runtime, url, port++)
    try {
      await measure(started.baseUrl, listing, { connections: LISTING_CONNECTIONS, durationSeconds: 2 })
      const stats = await measure(started.baseUrl, listing, { connections: LISTING_CONNECTIONS, durationSeconds })
      const peak = peakRssOf(started.child)
      report[runtime].peakRssBytes = peak
      report[runtime].listing = {
        requestsPerSecond: stats.requestsPerSecond,
        p99Ms: stats.p99Ms,
        failures: stats.non2xx + stats.errors,
      }
      log(`startup ${runtime}: listing ${stats.requestsPerSecond.toFixed(0)} req/s, peak RSS ${mb(peak)}`)
    } finally {
      await stop(started.child)
    }
  }
  return report
}

async function startServer(runtime: Runtime, url: string, port: number): Promise<Started> {
  const began = performance.now()
  const child = spawn(process.execPath, COMMANDS[runtime], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
      WEBHOOK_SECRETS_KEY: 'bench-key-that-seals-webhook-signing-secrets',
      STRIPE_SECRET_KEY: 'sk_test_startup_bench',
      STRIPE_WEBHOOK_SECRET: 'whsec_startup_bench',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    },
  })
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const baseUrl = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${runtime} server exited before /readyz: ${errors}`)
    try {
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) break
    } catch {}
    if (performance.now() - began > 60_000) throw new Error(`the ${runtime} server was not ready within 60 s`)
    await delay(5)
  }
  return { child, baseUrl, startMs: performance.now() - began }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** VmHWM: the highest resident set the process has had, in bytes. */
function peakRssOf(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
  if (!kb) throw new Error('no VmHWM in /proc/PID/status')
  return Number(kb) * 1024
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`
}

export function renderStartup(report: StartupReport | null): string[] {
  if (!report) return []
  const row = (runtime: Runtime) => {
    const figures = report[runtime]
    return `| ${runtime === 'compiled' ? '`node dist/server.js`' : '`node --import tsx src/server.ts`'} | ${median(figures.coldStartMs).toFixed(0)} ms (${figures.coldStartMs.map((ms) => ms.toFixed(0)).join(', ')}) | ${mb(figures.peakRssBytes)} | ${figures.listing.requestsPerSecond.toFixed(0)} req/s, p99 ${figures.listing.p99Ms} ms${figures.listing.failures ? `, ${figures.listing.failures} failed` : ''} |`
  }
  const ratio = (pick: (figures: RuntimeFigures) => number) => (pick(report.compiled) / pick(report.tsx)).toFixed(2)
  return [
    '## One instance: cold start and peak RSS, compiled vs tsx',
    '',
    `Each server its own process on the bench's migrated PostgreSQL database, NODE_ENV=production. Cold start: spawn to the first 200 from /readyz, ${STARTS} starts each, alternating (median, then every start). Peak RSS: VmHWM after a 2 s warm-up and the measured run of the products listing with ${LISTING_CONNECTIONS} connections. Goals: under ${STARTUP_TARGET.coldStartMs} ms compiled, under ${mb(STARTUP_TARGET.peakRssBytes)}.`,
    '',
    '| server | cold start to /readyz | peak RSS | listing |',
    '|---|---|---|---|',
    row('compiled'),
    row('tsx'),
    '',
    `compiled ÷ tsx: cold start ${ratio((figures) => median(figures.coldStartMs))}, peak RSS ${ratio((figures) => figures.peakRssBytes)}, listing req/s ${ratio((figures) => figures.listing.requestsPerSecond)}.`,
    '',
  ]
}
