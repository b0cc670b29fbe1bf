/**
 * Polls `check` until it answers something other than undefined, and answers that; throws after
 * `ms` with what the last look found, for work that completes in the background (sends, timers).
 */
export async function within<T>(ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`nothing within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
