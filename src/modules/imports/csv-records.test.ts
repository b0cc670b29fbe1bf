import { describe, expect, it } from 'vitest'
import { csvRecords } from './csv-records.js'
import { jsonlRecords } from './jsonl-records.js'

async function* chunksOf(text: string, size: number): AsyncGenerator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size)
}

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const record of records) all.push(record)
  return all
}

describe('csvRecords', () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\n\nlast,,\nno-newline,"",z'
  it.each([
    1, 2, 3, 1000,
  ])('reads quoted fields, doubled quotes, line breaks and blank lines in chunks of %i', async (size) => {
    expect(await collect(csvRecords(chunksOf(text, size)))).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 5, fields: ['last', '', ''] },
      { line: 6, fields: ['no-newline', '', 'z'] },
    ])
  })

  it('names the line of a quote it cannot read', async () => {
    await expect(collect(csvRecords(chunksOf('a,b\nab"c,d\n', 4)))).rejects.toMatchObject({
      line: 2,
      message: expect.stringMatching(/quote inside an unquoted field/),
    })
    await expect(collect(csvRecords(chunksOf('a\n"open\n\n', 4)))).rejects.toMatchObject({ line: 2 })
  })
})

describe('jsonlRecords', () => {
  it('parses each non-blank line, numbering them as the file does', async () => {
    expect(await collect(jsonlRecords(chunksOf('{"a":1}\n\n{oops\n  {"b":2}', 3)))).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, error: 'not valid JSON' },
      { line: 4, value: { b: 2 } },
    ])
  })
})
