import type { ProbeResult } from './probe.js'

/** One line per probe, its findings and notes indented under it. */
export function formatResult(result: ProbeResult): string {
  const verdict = result.findings.length > 0 ? 'FOUND' : 'held '
  const lines = [`${verdict} [#12.${result.probe.item}] ${result.probe.name} (${result.ms} ms)`]
  for (const finding of result.findings) lines.push(`      - ${finding}`)
  for (const note of result.notes) lines.push(`      (${note})`)
  return lines.join('\n')
}

export function formatSummary(results: readonly ProbeResult[]): string {
  const found = results.filter((result) => result.findings.length > 0)
  const count = found.reduce((sum, result) => sum + result.findings.length, 0)
  return found.length === 0
    ? `All ${results.length} probes held.`
    : `${count} finding(s) from ${found.length} of ${results.length} probes.`
}
