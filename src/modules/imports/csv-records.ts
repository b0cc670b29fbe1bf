/** One CSV record and the 1-based line of the file it starts on. */
export interface CsvRecord {
  line: number
  fields: string[]
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

/** The longest record taken: a description may be long, a record that never ends is a broken quote. */
export const MAX_RECORD_CHARS = 1_000_000

/**
 * RFC 4180 records from text chunks, one at a time: quoted fields may hold commas, doubled
 * quotes and line breaks; CRLF or LF ends a record; blank lines are skipped. Holds one record at
 * most, so memory does not grow with the file.
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = []
  let field = ''
  let quoted = false
  let afterQuote = false
  let line = 1
  let recordLine = 1
  let recordChars = 0
  let pendingCr = false
  const endField = () => {
    fields.push(field)
    field = ''
    afterQuote = false
  }
  for await (const chunk of chunks) {
    for (let index = 0; index < chunk.length; index++) {
      const char = chunk[index]!
      if (pendingCr) {
        pendingCr = false
        if (char === '\n') continue
      }
      if (++recordChars > MAX_RECORD_CHARS) throw new CsvSyntaxError(recordLine, 'record too long (an unclosed quote?)')
      if (quoted) {
        if (char === '"') {
          quoted = false
          afterQuote = true
        } else {
          if (char === '\n') line++
          field += char
        }
        continue
      }
      if (char === '"') {
        if (afterQuote) {
          field += '"'
          quoted = true
          afterQuote = false
        } else if (field === '') quoted = true
        else throw new CsvSyntaxError(line, 'a quote inside an unquoted field; quote the whole field')
      } else if (char === ',') endField()
      else if (char === '\n' || char === '\r') {
        pendingCr = char === '\r'
        if (!(fields.length === 0 && field === '' && !afterQuote)) {
          endField()
          yield { line: recordLine, fields }
        }
        fields = []
        line++
        recordLine = line
        recordChars = 0
      } else if (afterQuote) throw new CsvSyntaxError(line, 'text after a closing quote')
      else field += char
    }
  }
  if (quoted) throw new CsvSyntaxError(recordLine, 'unclosed quote at the end of the file')
  if (fields.length > 0 || field !== '' || afterQuote) {
    endField()
    yield { line: recordLine, fields }
  }
}
