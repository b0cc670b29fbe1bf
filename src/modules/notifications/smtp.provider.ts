import type { Transporter } from 'nodemailer'
import type { NotificationMessage, NotificationProvider } from './notification-provider.js'

export interface SmtpProviderOptions {
  /** smtp://user:pass@host:port (smtps:// for TLS from the first byte); holds the password. */
  url: string
  /** The From header, e.g. `Comptoir <no-reply@comptoir.dev>`; its domain names Message-IDs. */
  from: string
}

/**
 * Sends through an SMTP relay with nodemailer, one connection per message. The timeouts keep a
 * send well inside the dispatcher's lease, so a slow server cannot make two senders overlap.
 */
export function createSmtpProvider(options: SmtpProviderOptions): NotificationProvider {
  // nodemailer is loaded by the first message, not at start-up: it is a tenth of the server's
  // bundle, and an instance may run for a while before anything is ready to be told.
  let transport: Promise<Transporter> | undefined
  const transportOf = () => {
    transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({ url: options.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }),
    )
    return transport
  }
  const domain = mailDomainOf(options.from)
  return {
    name: 'SMTP',
    async send(message: NotificationMessage) {
      await (await transportOf()).sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // Derived from the notification, never random: when a sender dies after the server
        // accepted the message but before the row was marked SENT, the retry carries the same
        // Message-ID, and receiving servers and mail clients drop the repeat as a duplicate.
        messageId: `<${message.id}@${domain}>`,
      })
    },
  }
}

/** Where the server can be reached, for the log: never the credentials in the URL. */
export function describeSmtpTarget(url: string): string {
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`
}

export function mailDomainOf(from: string): string {
  return /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? 'comptoir.invalid'
}
