/** A one-line progress bar redrawn on a terminal's stderr; nothing at all when stderr is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream, totalBytes: number) {
  let lastDraw = 0
  return {
    update(bytesRead: number, text: string, force = false): void {
      if (!stream.isTTY) return
      const now = Date.now()
      if (!force && now - lastDraw < 100) return
      lastDraw = now
      const ratio = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 0
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - text.length - 10))
      const filled = Math.round(ratio * width)
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${text}\x1b[K`,
      )
    },
    end(): void {
      if (stream.isTTY) stream.write('\n')
    },
  }
}
