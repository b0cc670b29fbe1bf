import { BusinessError, type UserErrorEntry } from './business-error.js'

/** A request named the same item on two lines, where the two cannot simply be added up. */
export class DuplicateLineError extends BusinessError {
  /** @param fields the input path of each repeated line, e.g. ['lines', '2', 'sku'] */
  constructor(readonly fields: string[][]) {
    super('duplicate line')
  }
  userErrors(): UserErrorEntry[] {
    return this.fields.map((field) => ({
      code: 'DUPLICATE_LINE',
      field,
      message: 'An earlier line already names this item; give each item once.',
    }))
  }
}

/** Refuses lines whose key repeats an earlier line's, naming each repeat at `[list, index, keyField]`. */
export function assertDistinctLines<T>(
  lines: readonly T[],
  keyOf: (line: T) => string,
  path: { list: string; key: string },
): void {
  const seen = new Set<string>()
  const repeats: string[][] = []
  for (const [index, line] of lines.entries()) {
    const key = keyOf(line)
    if (seen.has(key)) repeats.push([path.list, String(index), path.key])
    seen.add(key)
  }
  if (repeats.length > 0) throw new DuplicateLineError(repeats)
}
