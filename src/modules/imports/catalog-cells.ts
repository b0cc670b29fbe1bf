import type { ImportLineError, ProductImage } from '../../db/database.js'
import { parseMajorUnits } from '../shared/money.js'
import type { PriceCell } from './catalog-draft.js'
import { CHANNELS, type ImportContext, parseTaxRate } from './import-context.js'

/** Reads the cells shared by both formats, collecting problems instead of throwing. */
export class CellReader {
  readonly problems: ImportLineError[] = []
  constructor(
    readonly line: number,
    private readonly context: ImportContext,
  ) {}

  problem(message: string): void {
    this.problems.push({ line: this.line, message })
  }

  currency(text: string): string {
    const code = text.trim().toUpperCase()
    if (code === '') {
      if (this.context.defaultCurrency) return this.context.defaultCurrency
      this.problem('currency: required, the stores sell in several currencies.')
      return 'XXX'
    }
    if (!/^[A-Z]{3}$/.test(code)) this.problem(`currency: "${text}" is not an ISO 4217 code.`)
    return code
  }

  money(column: string, text: string, currencyCode: string): number {
    const minor = parseMajorUnits(text, currencyCode)
    if (minor === null) this.problem(`${column}: "${text}" is not an amount in ${currencyCode} (e.g. 12.90).`)
    return minor ?? 0
  }

  taxRate(text: string): number {
    const rate = parseTaxRate(text)
    if (rate === null) this.problem(`tax_rate: "${text}" is not a percentage from 0 to 100 (e.g. 20 or 5.5).`)
    return rate ?? 0
  }

  /** A price override; its store must sell in the variant's currency. */
  price(scope: PriceScopeColumn, text: string, currencyCode: string): PriceCell {
    if (scope.store && scope.store.currencyCode !== currencyCode) {
      this.problem(`${scope.column}: that store sells in ${scope.store.currencyCode}, not ${currencyCode}.`)
    }
    return {
      storeId: scope.store?.id ?? null,
      channel: scope.channel,
      amountMinor: this.money(scope.column, text, currencyCode),
    }
  }
}

/** `https://x/a.jpg Front view | https://x/b.jpg`: entries split by "|", the URL then its alt text. */
export function parseImages(text: string): ProductImage[] {
  if (text.trim() === '') return []
  return text.split('|').map((entry) => {
    const trimmed = entry.trim()
    const space = trimmed.search(/\s/)
    if (space === -1) return { url: trimmed, alt: null }
    return { url: trimmed.slice(0, space), alt: trimmed.slice(space).trim() || null }
  })
}

export interface PriceScopeColumn {
  column: string
  store: { id: string; currencyCode: string } | null
  channel: (typeof CHANNELS)[number] | null
}

/**
 * The scope a price override is for: `price@PAR-RIVOLI` a store, `price/POS` a channel,
 * `price@PAR-RIVOLI/POS` both. Returns an explanation for an unknown store or channel.
 */
export function priceScopeOf(
  storeCode: string | undefined,
  channelName: string | undefined,
  label: string,
  context: ImportContext,
): PriceScopeColumn | string {
  const store = storeCode === undefined ? null : (context.storesByCode.get(storeCode.toUpperCase()) ?? null)
  if (storeCode !== undefined && !store) return `${label}: no store has the code ${storeCode}.`
  const channel = channelName === undefined ? null : CHANNELS.find((known) => known === channelName.toUpperCase())
  if (channel === undefined) return `${label}: ${channelName} is not a channel (${CHANNELS.join(', ')}).`
  if (!store && !channel) return `${label}: name a store, a channel or both.`
  return { column: label, store, channel }
}
