import pino, { type DestinationStream, type Logger } from 'pino'
import { nonBlockingDestination } from './log-destination.js'

export type { Logger }

/**
 * JSON lines on stdout, written without ever blocking (see log-destination.ts), or on
 * `destination`, for tests that read the log; credentials are redacted wherever they appear in
 * a logged object.
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
        '*.password',
        '*.accessToken',
        '*.token',
      ],
      censor: '[redacted]',
    },
  }
  return pino(options, destination ?? nonBlockingDestination(1))
}
