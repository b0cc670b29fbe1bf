import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

/**
 * JSON lines on `destination`: the server's never blocks (log-destination.ts); without one,
 * pino's synchronous stdout, which loses no line when a short command exits at once.
 * Credentials are redacted wherever they appear in a logged object.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-cart-token"]',
        'req.headers["x-terminal-key"]',
        'req.headers["x-kiosk-key"]',
        '*.password',
        '*.accessToken',
        '*.token',
      ],
      censor: '[redacted]',
    },
  }
  return destination ? pino(options, destination) : pino(options)
}
