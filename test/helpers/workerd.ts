import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { Miniflare } from 'miniflare'
import type { GraphQLResponse } from './test-app.js'

const run = promisify(execFile)

/** wrangler.toml's, which the runtime must be given again: Miniflare does not read the file. */
const COMPATIBILITY = { compatibilityDate: '2025-07-18', compatibilityFlags: ['nodejs_compat'] }

export interface WorkerdWorker {
  /** A request to the worker, as Cloudflare's edge would pass it (with CF-Connecting-IP). */
  fetch(path: string, init?: RequestInit): Promise<Response>
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>
  /** One cron tick, as Cloudflare's scheduler would fire it. */
  scheduled(at: Date): Promise<{ outcome: string }>
  close(): Promise<void>
}

/**
 * Bundles the worker exactly as `wrangler deploy` would upload it (its dry run: wrangler.toml's
 * aliases, defines and Node compatibility), into a temporary directory.
 */
export async function buildWorker(): Promise<{ script: string; remove(): Promise<void> }> {
  const outdir = await mkdtemp(join(tmpdir(), 'comptoir-worker-'))
  await run('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  })
  return { script: join(outdir, 'worker.js'), remove: () => rm(outdir, { recursive: true, force: true }) }
}

/**
 * Runs a built worker in workerd (through Miniflare, as `wrangler dev` does), its Hyperdrive
 * binding pointed at `databaseUrl`, with these vars and secrets.
 */
export async function startWorkerd(options: {
  script: string
  databaseUrl: string
  bindings: Record<string, string>
}): Promise<WorkerdWorker> {
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: options.script }],
    modulesRoot: dirname(options.script),
    ...COMPATIBILITY,
    bindings: options.bindings,
    hyperdrives: { HYPERDRIVE: withPassword(options.databaseUrl) },
  })
  await mf.ready
  const origin = 'https://comptoir.example'
  const fetchWorker = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', '203.0.113.7')
    // Miniflare's fetch and undici's Response differ in type only; the body is read the same way.
    return (await mf.dispatchFetch(`${origin}${path}`, { ...init, headers } as never)) as unknown as Response
  }
  return {
    fetch: fetchWorker,
    async gql(query, variables = {}, requestOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers }
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`
      const response = await fetchWorker('/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
      })
      return (await response.json()) as GraphQLResponse<never>
    },
    async scheduled(at) {
      // Typed by @cloudflare/workers-types, which this project does not install.
      const worker = (await mf.getWorker()) as unknown as ScheduledFetcher
      return worker.scheduled({ cron: '* * * * *', scheduledTime: at })
    },
    close: () => mf.dispose(),
  }
}

interface ScheduledFetcher {
  scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string }>
}

/** Miniflare's Hyperdrive refuses a URL without a password; a trust-auth server ignores it. */
function withPassword(url: string): string {
  const parsed = new URL(url)
  if (!parsed.password) parsed.password = 'unused'
  return parsed.toString()
}
