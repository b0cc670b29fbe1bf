import autocannon from 'autocannon'

export interface HttpRequest {
  method: 'GET' | 'POST'
  /** Path and query string, e.g. "/graphql" or "/bare/products?first=20". */
  path: string
  headers?: Record<string, string>
  body?: string
}

/** One request repeated, or a list each connection cycles through (e.g. one cart per request). */
export type Load = HttpRequest | readonly HttpRequest[]

export function firstRequest(load: Load): HttpRequest {
  const first = Array.isArray(load) ? load[0] : load
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
  non2xx: number
  /** Connection errors, timeouts included. */
  errors: number
}

/**
 * Fires `request` at `baseUrl` for the given duration. The load is generated in a worker thread
 * so that autocannon does not share the event loop of the server it measures.
 */
export async function measure(baseUrl: string, load: Load, options: LoadOptions): Promise<RunStats> {
  const request = firstRequest(load)
  const result = await autocannon({
    url: new URL(request.path, baseUrl).toString(),
    method: request.method,
    headers: request.headers,
    body: request.body,
    requests: Array.isArray(load) ? load.map((each) => ({ ...each })) : undefined,
    connections: options.connections,
    duration: options.durationSeconds,
    workers: 1,
  })
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  }
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
