import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { type CpuPerRequest, cpuPerRequest, sampleCpu } from './cpu-usage.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  /** Path and query string, e.g. "/graphql" or "/bare/products?first=20". */
  path: string
  headers?: Record<string, string>
  body?: string
}

/**
 * Requests each sent exactly once, in order, by whichever connection is free next: for requests
 * that must not be repeated (a cart can be checked out once; a replay would be a cheap idempotent
 * answer). Connections share one cursor, unlike the cycled list where every connection starts at
 * the first request. Past the end, requests go to ONE_SHOT_EXHAUSTED_PATH and count as failures.
 */
export interface OneShotLoad {
  oneShot: readonly HttpRequest[]
}

/**
 * One request repeated, a list each connection cycles through from its start (e.g. one cart per
 * request), or requests each sent once.
 */
export type Load = HttpRequest | readonly HttpRequest[] | OneShotLoad

export const ONE_SHOT_EXHAUSTED_PATH = '/bench/one-shot-exhausted'

function isOneShot(load: Load): load is OneShotLoad {
  return 'oneShot' in load
}

export function firstRequest(load: Load): HttpRequest {
  const first = isOneShot(load) ? load.oneShot[0] : Array.isArray(load) ? load[0] : load
  if (!first) throw new Error('a load needs at least one request')
  return first as HttpRequest
}

export interface LoadOptions {
  connections: number
  durationSeconds: number
}

export interface RunStats {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  /** Responses with a 2xx status. */
  ok: number
  non2xx: number
  /** Connection errors, timeouts included. */
  errors: number
  /** Null where the CPU times cannot be read. */
  cpu: CpuPerRequest | null
}

/**
 * Fires `request` at `baseUrl` for the given duration. The load is generated in a worker thread
 * so that autocannon does not share the event loop of the server it measures.
 */
export async function measure(baseUrl: string, load: Load, options: LoadOptions): Promise<RunStats> {
  const request = firstRequest(load)
  const oneShot = isOneShot(load) ? writeOneShotFile(load) : null
  try {
    const cpuBefore = sampleCpu()
    const result = await autocannon({
      url: new URL(request.path, baseUrl).toString(),
      method: request.method,
      // A one-shot load takes every header and body from its sequence, none from the first request.
      headers: oneShot ? undefined : request.headers,
      body: oneShot ? undefined : request.body,
      requests: oneShot
        ? [{ method: request.method, path: request.path, setupRequest: ONE_SHOT_MODULE, oneShotFile: oneShot.file }]
        : Array.isArray(load)
          ? load.map((each) => ({ ...each }))
          : undefined,
      connections: options.connections,
      duration: options.durationSeconds,
      workers: 1,
    } as autocannon.Options)
    return {
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      cpu: cpuPerRequest(cpuBefore, sampleCpu(), result.requests.total),
    }
  } finally {
    oneShot?.remove()
  }
}

/**
 * In worker mode autocannon takes setupRequest as a module path and loads it in the worker; the
 * module reads the sequence from a file (once) and hands out its requests with one shared cursor.
 */
const ONE_SHOT_MODULE = fileURLToPath(new URL('./one-shot-request.cjs', import.meta.url))

function writeOneShotFile(load: OneShotLoad): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-'))
  const file = join(dir, 'requests.json')
  writeFileSync(file, JSON.stringify({ exhaustedPath: ONE_SHOT_EXHAUSTED_PATH, requests: load.oneShot }))
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** One plain request, for checking the answer before measuring. */
export async function fetchOnce(baseUrl: string, request: HttpRequest): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(request.path, baseUrl), {
    method: request.method,
    headers: request.headers,
    body: request.body,
  })
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: response.status, body }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Each CPU figure's median over the runs that could read /proc; null when none could. */
export function medianCpu(runs: readonly RunStats[]): CpuPerRequest | null {
  const samples = runs.flatMap((stats) => (stats.cpu ? [stats.cpu] : []))
  if (samples.length === 0) return null
  const of = (key: keyof CpuPerRequest) => median(samples.map((cpu) => cpu[key]))
  return {
    mainMs: of('mainMs'),
    mainKernelMs: of('mainKernelMs'),
    otherThreadsMs: of('otherThreadsMs'),
    postgresMs: of('postgresMs'),
    idleMs: of('idleMs'),
    softirqMs: of('softirqMs'),
  }
}
