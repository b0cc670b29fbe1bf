import type { ImportLineError } from '../../db/database.js'
import { MAX_ON_HAND } from '../inventory/inventory.js'
import type { CsvRecord } from './csv-records.js'
import { type ImportContext, ImportFileError } from './import-context.js'

export interface StockLine {
  line: number
  sku: string
  storeId: string
  storeCode: string
  onHand: number
}

const STOCK_COLUMNS = ['sku', 'store', 'on_hand'] as const

export interface StockCsvHeader {
  sku: number
  store: number
  onHand: number
}

/** True when a header line looks like a stock file. */
export function isStockCsvHeader(fields: readonly string[]): boolean {
  const names = fields.map((field) => field.trim().toLowerCase())
  return names.includes('on_hand') && names.includes('store')
}

export function readStockHeader(record: CsvRecord): StockCsvHeader {
  const names = record.fields.map((field) => field.trim().toLowerCase())
  const unknown = names.filter((name) => !STOCK_COLUMNS.some((column) => column === name))
  if (unknown.length > 0)
    throw new ImportFileError(
      record.line,
      `unknown column(s) ${unknown.join(', ')}; a stock file has sku, store, on_hand.`,
    )
  const missing = STOCK_COLUMNS.filter((column) => !names.includes(column))
  if (missing.length > 0) throw new ImportFileError(record.line, `missing column(s): ${missing.join(', ')}.`)
  return { sku: names.indexOf('sku'), store: names.indexOf('store'), onHand: names.indexOf('on_hand') }
}

/** One stock line, or why it is refused, before any database check but the store code. */
export function stockLineOf(
  record: CsvRecord,
  header: StockCsvHeader,
  context: ImportContext,
): StockLine | ImportLineError {
  const at = (message: string): ImportLineError => ({ line: record.line, message })
  if (record.fields.length > 3) return at('more cells than the header has columns.')
  const sku = (record.fields[header.sku] ?? '').trim()
  const storeCode = (record.fields[header.store] ?? '').trim().toUpperCase()
  const onHandText = (record.fields[header.onHand] ?? '').trim()
  if (sku === '') return at('sku: required.')
  const store = context.storesByCode.get(storeCode)
  if (!store) return at(`store: no store has the code "${storeCode}".`)
  if (!/^\d{1,7}$/.test(onHandText) || Number(onHandText) > MAX_ON_HAND) {
    return at(`on_hand: "${onHandText}" is not a whole number from 0 to ${MAX_ON_HAND}.`)
  }
  return { line: record.line, sku, storeId: store.id, storeCode, onHand: Number(onHandText) }
}
