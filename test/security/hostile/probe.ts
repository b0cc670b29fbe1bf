import type { HostileHttp } from './http.js'
import type { World } from './world.js'

/** What a probe has to work with: the server, and the accounts and stores it was seeded with. */
export interface ProbeContext {
  http: HostileHttp
  world: World
  /** Something worth saying that is not a weakness (e.g. a surface this server does not expose). */
  note(message: string): void
}

/**
 * One hostile request family. `run` answers the weaknesses it found, each one line a maintainer
 * can act on; an empty list means the server held.
 */
export interface Probe {
  name: string
  /** The item of issue #12 the probe checks. */
  item: number
  run(context: ProbeContext): Promise<string[]>
}

export interface ProbeResult {
  probe: Probe
  findings: string[]
  notes: string[]
  /** How long the probe took, for keeping the run short (reported, never asserted). */
  ms: number
}

/**
 * Runs the probes one after the other (each may load the server on purpose, and their counts must
 * not mix); a probe that throws is a finding too, since the server answered something unexpected.
 */
export async function runProbes(
  probes: readonly Probe[],
  http: HostileHttp,
  world: World,
  onResult: (result: ProbeResult) => void = () => {},
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = []
  for (const probe of probes) {
    const notes: string[] = []
    const started = performance.now()
    let findings: string[]
    try {
      findings = await probe.run({ http, world, note: (message) => notes.push(message) })
    } catch (error) {
      findings = [`the probe could not complete: ${error instanceof Error ? error.message : String(error)}`]
    }
    const result = { probe, findings, notes, ms: Math.round(performance.now() - started) }
    results.push(result)
    onResult(result)
  }
  return results
}
