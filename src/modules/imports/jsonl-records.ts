import { MAX_RECORD_CHARS } from './csv-records.js'

/** One line of a JSON Lines file: its value, or why it is not JSON. */
export type JsonlRecord = { line: number; value: unknown } | { line: number; error: string }

/** Non-blank lines of a JSON Lines file, parsed one at a time (memory: one line). */
export async function* jsonlRecords(chunks: AsyncIterable<string>): AsyncGenerator<JsonlRecord> {
  let pending = ''
  let line = 0
  for await (const chunk of chunks) {
    pending += chunk
    let start = 0
    let newline = pending.indexOf('\n')
    while (newline !== -1) {
      line++
      const record = parseLine(line, pending.slice(start, newline))
      if (record) yield record
      start = newline + 1
      newline = pending.indexOf('\n', start)
    }
    pending = pending.slice(start)
    if (pending.length > MAX_RECORD_CHARS) {
      throw new RangeError(`line ${line + 1} is longer than ${MAX_RECORD_CHARS} characters`)
    }
  }
  const last = parseLine(line + 1, pending)
  if (last) yield last
}

function parseLine(line: number, text: string): JsonlRecord | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  try {
    return { line, value: JSON.parse(trimmed) }
  } catch {
    return { line, error: 'not valid JSON' }
  }
}
