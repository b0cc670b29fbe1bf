import { auditServer } from 'graphql-http'
import type { HostileHttp } from './http.js'
import type { Probe } from './probe.js'

const EVIL_ORIGIN = 'https://evil.hostile.example'
/** Declared far above any sane limit; only the first part is ever sent. */
const HUGE_BODY_BYTES = 50 * 1024 * 1024
const SENT_BYTES = 64 * 1024
const BODY_ANSWER_WAIT_MS = 3000

export const metricsWithoutToken: Probe = {
  name: '/metrics without a token',
  item: 6,
  async run({ http }) {
    const response = await fetch(http.url('/metrics'), { headers: http.headersOf({ address: http.newAddress() }) })
    const text = await response.text()
    return response.status === 200 && text.includes('# TYPE')
      ? ['/metrics answers the Prometheus text to anyone, without METRICS_TOKEN']
      : []
  },
}

export const corsReflection: Probe = {
  name: 'CORS towards any origin',
  item: 6,
  async run({ http }) {
    const headers = http.headersOf(
      { address: http.newAddress() },
      {
        origin: EVIL_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    )
    const preflight = await fetch(http.url('/graphql'), { method: 'OPTIONS', headers })
    await preflight.text()
    const allowed = preflight.headers.get('access-control-allow-origin')
    return allowed === EVIL_ORIGIN || allowed === '*'
      ? [`a preflight from ${EVIL_ORIGIN} is allowed (Access-Control-Allow-Origin: ${allowed})`]
      : []
  },
}

export const graphiqlFromCdn: Probe = {
  name: 'GraphiQL pulling its code from a CDN',
  item: 7,
  async run({ http, note }) {
    const response = await fetch(http.url('/graphql'), {
      headers: http.headersOf({ address: http.newAddress() }, { accept: 'text/html' }),
    })
    const html = await response.text()
    if (!response.headers.get('content-type')?.includes('text/html')) {
      note(`GraphiQL is not served here (HTTP ${response.status})`)
      return []
    }
    const hosts = externalCodeHosts(html, new URL(http.baseUrl).host)
    return hosts.length > 0 ? [`GraphiQL loads code from ${hosts.join(', ')}: it stays "Loading…" offline`] : []
  },
}

/** Hosts the page pulls scripts, styles or workers from, other than the server itself. */
function externalCodeHosts(html: string, ownHost: string): string[] {
  const sources = [...html.matchAll(/\bsrc\s*=\s*["']?(?:https?:)?\/\/([^/"'\s>]+)/g)]
  const code = [...html.matchAll(/(?:https?:)?\/\/([^/"'\s>]+)\/[^"'\s>]*\.(?:m?js|css)\b/g)]
  const hosts = [...sources, ...code].map((match) => match[1] ?? '').filter((host) => host !== ownHost)
  return [...new Set(hosts)]
}

export const graphqlOverHttpAudits: Probe = {
  name: 'GraphQL-over-HTTP audits (graphql-http serverAudits)',
  item: 8,
  async run({ http, note }) {
    const address = http.newAddress()
    // Every audit request from one address of its own, as any other client.
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      for (const [name, value] of Object.entries(http.headersOf({ address }))) headers.set(name, value)
      return fetch(input, { ...init, headers })
    }
    const results = await auditServer({ url: http.url('/graphql'), fetchFn })
    note(`${results.length} audits, ${results.filter((result) => result.status === 'ok').length} ok`)
    return results.flatMap((result) =>
      result.status === 'ok' ? [] : [`${result.status}: ${result.name}: ${result.reason}`],
    )
  },
}

async function hugeBodyFindings(http: HostileHttp, path: string, what: string): Promise<string[] | null> {
  const answer = await http.postDeclaringMore(path, HUGE_BODY_BYTES, SENT_BYTES, BODY_ANSWER_WAIT_MS)
  if (answer.status === 404) return null
  if (answer.status === 'no answer') {
    return [`${what} declaring ${HUGE_BODY_BYTES} bytes is read, not refused (no answer in ${BODY_ANSWER_WAIT_MS} ms)`]
  }
  return answer.status === 413 || (answer.status >= 400 && answer.status < 500)
    ? []
    : [`${what} declaring ${HUGE_BODY_BYTES} bytes answers HTTP ${answer.status}`]
}

export const hugeBodies: Probe = {
  name: 'bodies over the limit refused before they are read',
  item: 7,
  async run({ http, note }) {
    const graphql = (await hugeBodyFindings(http, '/graphql', 'a GraphQL POST')) ?? []
    const webhook = await hugeBodyFindings(http, '/webhooks/stripe', 'a Stripe webhook POST')
    if (webhook === null) note('/webhooks/stripe is not mounted (no Stripe configured): its body limit was not tried')
    return [...graphql, ...(webhook ?? [])]
  },
}
