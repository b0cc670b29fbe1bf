import pino, { type Logger } from 'pino'

export type { Logger }

/** JSON lines on stdout; credentials are redacted wherever they appear in a logged object. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-cart-token"]',
        'req.headers["x-terminal-key"]',
        '*.password',
        '*.accessToken',
        '*.token',
      ],
      censor: '[redacted]',
    },
  })
}
