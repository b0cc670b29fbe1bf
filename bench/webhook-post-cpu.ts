/**
 * CPU per webhook POST of the Node server's transport, beside a plain `node:http` client with a
 * kept-alive agent (what the transport was until 2026-12-07) and fetch (Workers' transport), on
 * the webhooks bench's loopback receiver. The POSTs run in the checkouts' process, so their CPU is
 * what the checkouts lose. Rounds alternate the clients; medians are reported.
 * `npx tsx bench/webhook-post-cpu.ts` (about a minute).
 */
import { Agent, request } from 'node:http'
import { fetchTransport } from '../src/modules/webhooks/webhook-fetch-transport.js'
import { sendWebhook, type WebhookTransport } from '../src/modules/webhooks/webhook-http.js'
import { createNodeWebhookTransport } from '../src/modules/webhooks/webhook-node-transport.js'
import { newWebhookSecret } from '../src/modules/webhooks/webhook-signature.js'
import { median } from './measure.js'
import { startBenchReceiver } from './webhooks-bench.js'

const POSTS = 20_000
const OPEN_AT_ONCE = 8
const ROUNDS = 5

/** The baseline: node:http's request with a kept-alive agent, the body read to its end. */
function nodeHttpTransport(): { send: WebhookTransport; close(): void } {
  const agent = new Agent({ keepAlive: true })
  return {
    send: (outgoing) =>
      new Promise((resolve, reject) => {
        const body = Buffer.from(outgoing.body)
        const sent = request(
          outgoing.url,
          { method: 'POST', agent, headers: { ...outgoing.headers, 'content-length': String(body.length) } },
          (response) => {
            let text = ''
            response.setEncoding('utf8')
            response.on('data', (chunk: string) => {
              text += chunk
            })
            response.on('end', () => resolve({ status: response.statusCode ?? 0, excerpt: text || null }))
          },
        )
        sent.on('error', reject)
        sent.end(body)
      }),
    close: () => agent.destroy(),
  }
}

const receiver = await startBenchReceiver()
const endpoint = { url: receiver.url('/fast-a'), secrets: [newWebhookSecret()] }
// An order.placed message's size: the order with three lines.
const body = JSON.stringify({
  type: 'order.placed',
  timestamp: new Date().toISOString(),
  data: {
    id: crypto.randomUUID(),
    number: 'C-104233',
    status: 'PLACED',
    lines: [1, 2, 3].map((n) => ({ sku: `SKU-${n}`, name: `Article ${n}`, quantity: 1, unitPriceMinor: 1299 * n })),
    totalMinor: 7794,
    currency: 'EUR',
  },
})

const undici = createNodeWebhookTransport()
const nodeHttp = nodeHttpTransport()
const clients: [string, WebhookTransport][] = [
  ['undici (webhook-node-transport.ts)', undici.send],
  ['node:http, kept-alive agent', nodeHttp.send],
  ['fetch (webhook-fetch-transport.ts)', fetchTransport()],
]

async function postAll(transport: WebhookTransport, count: number): Promise<void> {
  let next = 0
  const sender = async () => {
    while (next++ < count) {
      const log = await sendWebhook(
        endpoint,
        { event_id: String(next), body },
        { at: new Date(), timeoutMs: 10_000, transport },
      )
      if (log.error !== null) throw new Error(`a POST failed: ${log.error}`)
    }
  }
  await Promise.all(Array.from({ length: OPEN_AT_ONCE }, sender))
}

const perPost: Record<string, { client: number[]; receiver: number[] }> = {}
for (const [name, transport] of clients) {
  perPost[name] = { client: [], receiver: [] }
  await postAll(transport, 2_000)
}
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, transport] of clients) {
    const receiverBefore = await receiver.cpuMs()
    const before = process.cpuUsage()
    await postAll(transport, POSTS)
    const used = process.cpuUsage(before)
    const series = perPost[name]
    if (!series) continue
    series.client.push((used.user + used.system) / 1000 / POSTS)
    series.receiver.push(((await receiver.cpuMs()) - receiverBefore) / POSTS)
  }
}
undici.close()
nodeHttp.close()
await receiver.close()

const baseline = median(perPost['node:http, kept-alive agent']?.client ?? [])
process.stdout.write(
  `Node ${process.version}; ${POSTS} signed POSTs per run, ${OPEN_AT_ONCE} open at once, ${ROUNDS} rounds; CPU ms per POST (median)\n`,
)
process.stdout.write(
  '| client | sender (signing included) | receiver | sender ÷ node:http |\n| --- | ---: | ---: | ---: |\n',
)
for (const [name, series] of Object.entries(perPost)) {
  const client = median(series.client)
  process.stdout.write(
    `| ${name} | ${client.toFixed(3)} | ${median(series.receiver).toFixed(3)} | ${(client / baseline).toFixed(2)} |\n`,
  )
}
