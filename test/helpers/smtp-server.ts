import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerError } from 'smtp-server'

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[]
  /** The user the client authenticated as, if it did. */
  user: string | null
  headers: Record<string, string>
  /** The body with quoted-printable undone: good enough to look for a phrase. */
  body: string
}

export interface TestSmtpServer {
  /** smtp://user:password@127.0.0.1:port */
  url: string
  received: ReceivedMail[]
  /** Recipients answered with this SMTP code at RCPT TO (e.g. 451 "try later", 550 "no such user"). */
  refuse: Map<string, number>
  close(): Promise<void>
}

export const SMTP_USER = 'comptoir'
export const SMTP_PASSWORD = 'smtp-secret-for-tests-only'

/** A real SMTP server on loopback, as a relay would be: authenticates, accepts, and keeps what it got. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = []
  const refuse = new Map<string, number>()
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true, // loopback only, no TLS in tests
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username })
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address)
      if (!code) return callback()
      const error: SMTPServerError = Object.assign(new Error(`refused ${address.address}`), { responseCode: code })
      callback(error)
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        received.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo, session.user))
        callback()
      })
    },
  })
  const listening = server.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => listening.once('listening', resolve))
  const { port } = listening.address() as AddressInfo
  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    received,
    refuse,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function parseMail(raw: string, rcptTo: { address: string }[], user: unknown): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  const body = Buffer.from(
    raw
      .slice(split + 4)
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8')
  return { to: rcptTo.map((rcpt) => rcpt.address), user: typeof user === 'string' ? user : null, headers, body }
}

/** How many times each Message-ID arrived. */
export function countByMessageId(mails: readonly ReceivedMail[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const mail of mails) {
    const id = mail.headers['message-id'] ?? '(none)'
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}
