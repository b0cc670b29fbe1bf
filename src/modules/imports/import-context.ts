import type { Channel, ImportLineError } from '../../db/database.js'

export const CHANNELS: readonly Channel[] = ['WEB', 'APP', 'KIOSK', 'POS']

/** What lines are checked against that does not change during an import: stores and categories. */
export interface ImportContext {
  storesByCode: ReadonlyMap<string, { id: string; currencyCode: string }>
  categoriesBySlug: ReadonlyMap<string, string>
  /** The currency of a line that names none: the stores' one currency, or null when they have several. */
  defaultCurrency: string | null
}

/** A problem with the file as a whole (its header, its syntax): nothing after it can be read. */
export class ImportFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

export function lineError(line: number, message: string): ImportLineError {
  return { line, message }
}

/** "20" or "5.5" (percent) → 2000 or 550 basis points; null when not a rate from 0 to 100 with at most two decimals. */
export function parseTaxRate(text: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return basisPoints <= 10_000 ? basisPoints : null
}
