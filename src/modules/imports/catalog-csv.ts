import type { ProductOption, SelectedOption } from '../../db/database.js'
import { MAX_OPTIONS } from '../catalog/catalog-rules.js'
import { CellReader, type PriceScopeColumn, parseImages, priceScopeOf } from './catalog-cells.js'
import type { ProductDraft } from './catalog-draft.js'
import type { CsvRecord } from './csv-records.js'
import { type ImportContext, ImportFileError } from './import-context.js'

const PLAIN_COLUMNS = [
  'handle',
  'title',
  'description',
  'category',
  'sku',
  'barcode',
  'price',
  'compare_at_price',
  'tax_rate',
  'currency',
  'images',
  ...Array.from({ length: MAX_OPTIONS }, (_, index) => [`option${index + 1}_name`, `option${index + 1}_value`]).flat(),
] as const
const REQUIRED_COLUMNS = ['handle', 'sku', 'price', 'tax_rate'] as const
/** The product's own cells: on the first line of its group, and empty or the same on the others. */
const PRODUCT_COLUMNS = ['title', 'description', 'category', 'images'] as const

type PlainColumn = (typeof PLAIN_COLUMNS)[number]

export interface CatalogCsvHeader {
  index: Map<PlainColumn, number>
  prices: { index: number; scope: PriceScopeColumn }[]
}

/** True when a header line looks like a catalog file (it has a price column). */
export function isCatalogCsvHeader(fields: readonly string[]): boolean {
  return fields.some((field) => field.trim().toLowerCase() === 'price')
}

export function readCatalogHeader(record: CsvRecord, context: ImportContext): CatalogCsvHeader {
  const index = new Map<PlainColumn, number>()
  const prices: CatalogCsvHeader['prices'] = []
  record.fields.forEach((raw, position) => {
    const name = raw.trim()
    const price = /^price(?:@([^/]+))?(?:\/(.+))?$/i.exec(name)
    if (price && (price[1] !== undefined || price[2] !== undefined)) {
      const scope = priceScopeOf(price[1], price[2], name, context)
      if (typeof scope === 'string') throw new ImportFileError(record.line, scope)
      prices.push({ index: position, scope })
      return
    }
    const column = PLAIN_COLUMNS.find((known) => known === name.toLowerCase())
    if (!column) throw new ImportFileError(record.line, `unknown column "${name}" (see docs/import.md).`)
    if (index.has(column)) throw new ImportFileError(record.line, `column "${name}" appears twice.`)
    index.set(column, position)
  })
  const missing = REQUIRED_COLUMNS.filter((column) => !index.has(column))
  if (missing.length > 0) throw new ImportFileError(record.line, `missing column(s): ${missing.join(', ')}.`)
  return { index, prices }
}

/**
 * Products from the catalog CSV's records, one group of consecutive lines with the same handle
 * at a time: a product is never held longer than it takes to read its own lines.
 */
export async function* catalogCsvProducts(
  records: AsyncIterable<CsvRecord>,
  header: CatalogCsvHeader,
  context: ImportContext,
): AsyncGenerator<ProductDraft> {
  let group: GroupBuilder | null = null
  for await (const record of records) {
    const handle = cell(record, header, 'handle')
    if (group && group.handle !== handle) {
      yield group.draft()
      group = null
    }
    group ??= new GroupBuilder(handle, record, header)
    group.add(record, context)
  }
  if (group) yield group.draft()
}

function cell(record: CsvRecord, header: CatalogCsvHeader, column: PlainColumn): string {
  const position = header.index.get(column)
  return position === undefined ? '' : (record.fields[position] ?? '').trim()
}

class GroupBuilder {
  private readonly product: ProductDraft
  private readonly optionNames: string[]
  private readonly firstCells: Record<(typeof PRODUCT_COLUMNS)[number], string>

  constructor(
    readonly handle: string,
    first: CsvRecord,
    private readonly header: CatalogCsvHeader,
  ) {
    const description = first.fields[header.index.get('description') ?? -1] ?? ''
    this.product = {
      line: first.line,
      lines: [],
      handle,
      title: cell(first, header, 'title'),
      description,
      categorySlug: cell(first, header, 'category') || null,
      options: [],
      images: parseImages(cell(first, header, 'images')),
      variants: [],
      problems: [],
    }
    this.firstCells = { title: '', description: '', category: '', images: '' }
    for (const column of PRODUCT_COLUMNS) this.firstCells[column] = cell(first, header, column)
    this.optionNames = []
    for (let index = 1; index <= MAX_OPTIONS; index++) {
      const name = cell(first, header, `option${index}_name` as PlainColumn)
      if (name !== '') this.optionNames.push(name)
    }
    this.product.options = this.optionNames.map((name): ProductOption => ({ name, values: [] }))
  }

  add(record: CsvRecord, context: ImportContext): void {
    const product = this.product
    product.lines.push(record.line)
    const reader = new CellReader(record.line, context)
    if (record.fields.length > this.header.index.size + this.header.prices.length) {
      reader.problem('more cells than the header has columns.')
    }
    if (record.line !== product.line) this.checkRepeatedProductCells(record, reader)
    const selectedOptions = this.selectionOf(record, reader)
    const currencyCode = reader.currency(cell(record, this.header, 'currency'))
    const compareAt = cell(record, this.header, 'compare_at_price')
    const barcode = cell(record, this.header, 'barcode')
    const prices = this.header.prices.flatMap(({ index, scope }) => {
      const text = (record.fields[index] ?? '').trim()
      return text === '' ? [] : [reader.price(scope, text, currencyCode)]
    })
    product.variants.push({
      line: record.line,
      sku: cell(record, this.header, 'sku'),
      barcode: barcode === '' ? null : barcode,
      priceMinor: reader.money('price', cell(record, this.header, 'price'), currencyCode),
      compareAtPriceMinor: compareAt === '' ? null : reader.money('compare_at_price', compareAt, currencyCode),
      taxRateBp: reader.taxRate(cell(record, this.header, 'tax_rate')),
      currencyCode,
      selectedOptions,
      prices,
    })
    product.problems.push(...reader.problems)
  }

  draft(): ProductDraft {
    return this.product
  }

  private selectionOf(record: CsvRecord, reader: CellReader): SelectedOption[] {
    const selected: SelectedOption[] = []
    this.optionNames.forEach((name, position) => {
      const value = cell(record, this.header, `option${position + 1}_value` as PlainColumn)
      if (value === '') {
        reader.problem(`option${position + 1}_value: this product's variants each pick a ${name}.`)
        return
      }
      const values = this.product.options[position]!.values
      if (!values.some((listed) => listed.toLowerCase() === value.toLowerCase())) values.push(value)
      selected.push({ name, value })
    })
    return selected
  }

  private checkRepeatedProductCells(record: CsvRecord, reader: CellReader): void {
    for (const column of PRODUCT_COLUMNS) {
      const value = cell(record, this.header, column)
      if (value !== '' && value !== this.firstCells[column]) {
        reader.problem(`${column}: differs from line ${this.product.line}; leave it empty on a product's later lines.`)
      }
    }
    for (let index = 1; index <= MAX_OPTIONS; index++) {
      const name = cell(record, this.header, `option${index}_name` as PlainColumn)
      if (name !== '' && name !== (this.optionNames[index - 1] ?? '')) {
        reader.problem(`option${index}_name: differs from line ${this.product.line}.`)
      }
    }
  }
}
