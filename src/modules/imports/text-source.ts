/**
 * Where an imported file comes from: a file on disk (the CLI), an uploaded File (the API) or a
 * generator (tests, the bench). Only ever read as a stream, so no file is held in memory whole.
 */
export interface ImportSource {
  name: string
  chunks(): AsyncIterable<Uint8Array>
}

/** UTF-8 text chunks of a byte stream, a character never split across two chunks; a leading BOM dropped. */
export async function* textChunks(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let first = true
  for await (const chunk of bytes) {
    let text = decoder.decode(chunk, { stream: true })
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    if (text.length > 0) yield text
  }
  const rest = decoder.decode()
  if (rest.length > 0) yield rest
}

/** A web File or Blob (what yoga hands over for an upload) as a source. */
export function blobSource(file: { name?: string; stream(): ReadableStream<Uint8Array> }): ImportSource {
  return { name: file.name ?? 'upload', chunks: () => streamChunks(file.stream()) }
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value
  } finally {
    reader.releaseLock()
  }
}
