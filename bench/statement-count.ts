/**
 * Counts the SQL statements the bench's pool sends (through createDb's onQuery hook). Only
 * meaningful while nothing else uses the pool: the bench counts single requests before the runs,
 * before the outbox dispatcher starts.
 */
export interface StatementCounter {
  /** For createDb({ onQuery }). */
  onQuery(): void
  /** What `work` returned, and the statements sent while it ran. */
  during<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }>
}

export function createStatementCounter(): StatementCounter {
  let sent = 0
  return {
    onQuery() {
      sent++
    },
    async during(work) {
      const before = sent
      const result = await work()
      return { result, statements: sent - before }
    },
  }
}
