/**
 * The hostile client of issue #12: tries, against a freshly seeded server, the requests a hostile
 * client would (parallel guessing, lock-outs, floods, unauthorised streams, replayed tokens,
 * skipped payments, limits side-stepped, inputs that break the database) and lists every place
 * the server gives way.
 *
 *   npx tsx test/security/hostile-client.ts http://127.0.0.1:4000 [--forwarded-for]
 *
 * Exits 0 when every probe held, 1 with the findings listed, 2 when it could not run. It changes
 * data (orders, customers, terminals, locked-out demo accounts): point it at a throw-away server.
 */
import { fileURLToPath } from 'node:url'
import { ALL_PROBES } from './hostile/all-probes.js'
import { HostileHttp } from './hostile/http.js'
import { type ProbeResult, runProbes } from './hostile/probe.js'
import { formatResult, formatSummary } from './hostile/report.js'
import { discoverWorld } from './hostile/world.js'

export interface HostileRun {
  results: ProbeResult[]
  findings: string[]
}

/**
 * Tries every hostile request family of issue #12 against a freshly seeded server at `baseUrl`.
 * `forwardedFor`: the server trusts X-Forwarded-For from this client (TRUST_PROXY), so probes
 * can speak from addresses of their own.
 */
export async function runHostileClient(
  baseUrl: string,
  options: { forwardedFor: boolean; log?: (line: string) => void },
): Promise<HostileRun> {
  const http = new HostileHttp(baseUrl, options.forwardedFor)
  const world = await discoverWorld(http)
  const results = await runProbes(ALL_PROBES, http, world, (result) => options.log?.(formatResult(result)))
  options.log?.(formatSummary(results))
  const findings = results.flatMap((result) => result.findings.map((finding) => `${result.probe.name}: ${finding}`))
  return { results, findings }
}

async function main(argv: string[]): Promise<number> {
  const baseUrl = argv.find((arg) => !arg.startsWith('--'))
  if (!baseUrl) {
    console.error('usage: npx tsx test/security/hostile-client.ts <base url> [--forwarded-for]')
    console.error('  --forwarded-for  the server trusts X-Forwarded-For from this client (TRUST_PROXY)')
    return 2
  }
  const run = await runHostileClient(baseUrl, { forwardedFor: argv.includes('--forwarded-for'), log: console.log })
  return run.findings.length > 0 ? 1 : 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error)
      process.exit(2)
    },
  )
}
