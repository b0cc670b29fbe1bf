import { createHash } from 'node:crypto'
import type pg from 'pg'

/**
 * A statement whose SQL starts with this comment is prepared once per connection and then only
 * executed: the server skips parsing and planning it again. For the few hot, large statements
 * whose text is fixed and whose values are all parameters (the checkout); elsewhere in the
 * embedded database it is just a comment.
 */
export const PREPARED = '/* prepared */'

/** Makes a pool's clients prepare statements marked PREPARED, by a name derived from their text. */
export function prepareMarkedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (config: unknown, values?: unknown) => unknown
    client.query = ((config: unknown, values?: unknown) => {
      if (typeof config === 'string' && config.startsWith(PREPARED) && Array.isArray(values)) {
        return query({ name: statementName(config), text: config, values })
      }
      return query(config, values)
    }) as typeof client.query
  })
}

const names = new Map<string, string>()

function statementName(text: string): string {
  let name = names.get(text)
  if (!name) {
    name = `prepared_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
    names.set(text, name)
  }
  return name
}
