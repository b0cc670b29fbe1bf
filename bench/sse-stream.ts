export interface SseEvent {
  /** The `event:` field, null when absent. */
  event: string | null
  data: string
  /** performance.now() when the chunk that completed the event was read. */
  receivedAt: number
}

/**
 * Reads a text/event-stream body until it ends, handing over each event as soon as its chunk
 * arrives (unlike the tests' pull-based reader, which stamps an event only when asked for it).
 * Comments (yoga's keep-alive pings) and events without data are skipped.
 */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const chunk = await reader.read()
    if (chunk.done) return
    const receivedAt = performance.now()
    buffer += decoder.decode(chunk.value, { stream: true }).replaceAll('\r\n', '\n')
    for (let boundary = buffer.indexOf('\n\n'); boundary >= 0; boundary = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, boundary)
      buffer = buffer.slice(boundary + 2)
      let event: string | null = null
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5))
        else if (line.startsWith('event:')) event = line.slice(6).trim()
      }
      if (data.length > 0) onEvent({ event, data: data.join('\n'), receivedAt })
    }
  }
}
