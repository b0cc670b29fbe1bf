import { median, medianCpu, type RunStats } from './measure.js'
import type { WebhookSide, WebhooksReport } from './webhooks-bench.js'

/** The checkout with three endpoints, one slow, should keep this share of the rate without. */
export const WEBHOOKS_RATIO_TARGET = 0.9

export function renderWebhooks(report: WebhooksReport): string[] {
  const rate = (side: WebhookSide) => median(report.runs[side].map((stats) => stats.requestsPerSecond))
  const ratio = rate('three') / rate('none')
  const sustained = (side: WebhookSide) =>
    median(report.drains.filter((drain) => drain.side === side).map((drain) => drain.sustained.perSecond))
  const drainMs = (side: WebhookSide) =>
    median(report.drains.filter((drain) => drain.side === side).map((drain) => drain.drainMs))
  const sustainedRatio = sustained('three') / sustained('none')
  // Each round's two runs are minutes apart at most, so their ratio is spared the machine's drift
  // across a run (both sides fell by a quarter from round 1 to 8 in one run).
  const roundRatios = report.runs.three.map(
    (stats, index) => stats.requestsPerSecond / (report.runs.none[index]?.requestsPerSecond ?? Number.NaN),
  )
  const verdict = ratio >= WEBHOOKS_RATIO_TARGET ? 'meets' : '**below**'
  const row = (name: string, runs: RunStats[]) =>
    `| ${name} | ${rate(name === 'none' ? 'none' : 'three').toFixed(0)} | ${median(runs.map((s) => s.p50Ms)).toFixed(1)} | ${median(runs.map((s) => s.p99Ms)).toFixed(1)} |`
  return [
    '',
    report.sender === 'server'
      ? '## Checkout with webhook endpoints vs none, sent from the server (WEBHOOKS_IN_SERVER=true)'
      : '## Checkout with webhook endpoints vs none, sent by `npm run webhooks` (WEBHOOKS_IN_SERVER=false)',
    '',
    `GraphQL checkoutPlaceOrder of the hot SKU (paid at pickup), the outbox dispatcher (with its consumers) running in the server's process as in production, ${
      report.sender === 'server'
        ? "and the webhook dispatcher beside it (Node's webhook transport, deliveries handed over from the outbox's consumer)"
        : `and the webhooks sent by \`npm run webhooks\` in a process of its own at nice ${report.senderNice} (the outbox's consumer only queues the deliveries; that process claims and sends them; its CPU is reported below)`
    }, in rounds alternating the two sides, the side that goes first alternating by round, after one unmeasured run of each side (a process's first runs are slower). Three: three endpoints subscribed to order.placed on a loopback receiver (in a process of its own at the lowest CPU priority, answering over node:net rather than node:http, since the ERP is another machine in production: it uses what the server leaves idle, and its CPU is reported below), two answering 204 at once and one after ${report.slowMs} ms; none: the same endpoints disabled. Medians of the rounds; the ratio is three ÷ none.`,
    '',
    'The checkouts outrun the outbox on two cores: each run leaves part of its background work for after its requests, and how much varies from run to run, which moves req/s by ±25 % on either side. So each run is also timed until its work is done (outbox empty, the fast endpoints served): sustained orders/s = orders of the warm-up and the run ÷ the time from the first of them to the end of that drain.',
    '',
    '| side | req/s (median) | p50 ms | p99 ms | drain after the run, ms (median) | sustained orders/s (median) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `${row('none', report.runs.none)} ${drainMs('none').toFixed(0)} | ${sustained('none').toFixed(0)} |`,
    `${row('three', report.runs.three)} ${drainMs('three').toFixed(0)} | ${sustained('three').toFixed(0)} |`,
    '',
    `- Ratio three ÷ none: **${ratio.toFixed(2)}** (${verdict} the ${WEBHOOKS_RATIO_TARGET} target); sustained: **${sustainedRatio.toFixed(2)}**; median of the rounds' own ratios: **${median(roundRatios).toFixed(2)}**`,
    ...cpuLines(report),
    `- The receiver's own CPU per order on the three side (its process, from the warm-up to the end of the drain): ${report.drains
      .filter((drain) => drain.side === 'three')
      .map((drain) => (drain.receiverCpuMs / Math.max(1, drain.sustained.orders)).toFixed(2))
      .join(', ')} ms`,
    ...(report.sender === 'process'
      ? [
          `- The sender's own CPU per order on the three side (its process, from the warm-up to the end of the drain): ${report.drains
            .filter((drain) => drain.side === 'three')
            .map((drain) => ((drain.senderCpuMs ?? 0) / Math.max(1, drain.sustained.orders)).toFixed(2))
            .join(', ')} ms`,
        ]
      : []),
    `- Per round, three / none: ${report.runs.three
      .map((stats, index) => {
        const none = report.runs.none[index]?.requestsPerSecond ?? Number.NaN
        return `${stats.requestsPerSecond.toFixed(0)} / ${none.toFixed(0)} = ${(stats.requestsPerSecond / none).toFixed(2)}`
      })
      .join('; ')}`,
    '- Outbox and deliveries per run (outbox events unconsumed when the requests stopped, and the drain; sustained orders/s; deliveries queued → delivered by the end of the drain, per endpoint):',
    ...report.drains.map(
      (drain) =>
        `  - ${drain.side} r${drain.round}: backlog ${drain.backlogAtEnd}, drained in ${drain.drainMs} ms; ${drain.sustained.orders} orders in ${drain.sustained.seconds.toFixed(1)} s = ${drain.sustained.perSecond.toFixed(0)}/s; ${
          Object.keys(drain.queued).length === 0
            ? 'no delivery queued'
            : Object.entries(drain.queued)
                .map(([path, queued]) => `${path} ${drain.delivered[path] ?? 0}/${queued}`)
                .join(', ')
        }`,
    ),
    `- Checks (orders per 2xx): ${report.checks.map((check) => `${check.side} r${check.round} ${check.ok ? 'ok' : 'FAILED'}: ${check.summary}`).join('; ')}`,
  ]
}

/**
 * Where each side's machine time went per request (bench/cpu-usage.ts): what the webhooks cost in
 * CPU, and whether a side was short of CPU or waiting (idle time under load).
 */
function cpuLines(report: WebhooksReport): string[] {
  const cells = (side: WebhookSide) => {
    const cpu = medianCpu(report.runs[side])
    return cpu
      ? `main thread ${cpu.mainMs.toFixed(2)} (in the kernel ${cpu.mainKernelMs.toFixed(2)}), software interrupts ${cpu.softirqMs.toFixed(2)}, other threads ${cpu.otherThreadsMs.toFixed(2)}, PostgreSQL ${cpu.postgresMs.toFixed(2)}, idle ${cpu.idleMs.toFixed(2)}`
      : null
  }
  const none = cells('none')
  const three = cells('three')
  if (!none || !three) return []
  return [`- CPU per request, ms (medians of the rounds, from /proc): none: ${none}; three: ${three}`]
}
