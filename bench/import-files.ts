import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { ean13CheckDigit } from '../src/modules/catalog/catalog-rules.js'

const SIZES = ['S', 'M', 'L', 'XL'] as const

/**
 * A catalog CSV of `variants` variants (four sizes per product, in the seed's categories), each
 * with a POS price and a store price, and a stock CSV setting every variant in every store.
 * Written line by line, as a retailer's export would be.
 */
export async function writeImportFiles(
  paths: { catalog: string; stock: string },
  options: { variants: number; storeCodes: readonly string[]; categories: readonly string[] },
): Promise<void> {
  const priceStore = options.storeCodes[0]!
  await writeLines(paths.catalog, function* () {
    yield `handle,title,description,category,option1_name,option1_value,sku,barcode,price,compare_at_price,tax_rate,price/POS,price@${priceStore}`
    for (let index = 0; index < options.variants; index++) {
      const product = Math.floor(index / SIZES.length)
      const size = SIZES[index % SIZES.length]!
      const first12 = `21${String(index).padStart(10, '0')}`
      const price = 500 + (product % 400) * 25
      const productCells =
        index % SIZES.length === 0
          ? `Bench item ${product},"A generated product, number ${product}.",${options.categories[product % options.categories.length]}`
          : ',,'
      yield `bench-item-${product},${productCells},Size,${size},BENCH-${product}-${size},${first12}${ean13CheckDigit(first12)},${minor(price)},${minor(price + 500)},20,${minor(price - 50)},${minor(price - 100)}`
    }
  })
  await writeLines(paths.stock, function* () {
    yield 'sku,store,on_hand'
    for (let index = 0; index < options.variants; index++) {
      const sku = `BENCH-${Math.floor(index / SIZES.length)}-${SIZES[index % SIZES.length]}`
      for (const [storeIndex, store] of options.storeCodes.entries())
        yield `${sku},${store},${(index + storeIndex) % 40}`
    }
  })
}

function minor(amount: number): string {
  return `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`
}

async function writeLines(path: string, lines: () => Generator<string>): Promise<void> {
  const out = createWriteStream(path)
  let buffer = ''
  for (const line of lines()) {
    buffer += `${line}\n`
    if (buffer.length > 64 * 1024) {
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
    }
  }
  out.end(buffer)
  await once(out, 'finish')
}
