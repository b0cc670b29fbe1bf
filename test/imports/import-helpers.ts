import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Db } from '../../src/db/create-db.js'
import type { ImportKind, ImportLineError } from '../../src/db/database.js'
import { CLI_AUTHOR } from '../../src/modules/audit/audit.service.js'
import { type ImportSummary, runImport } from '../../src/modules/imports/import-run.service.js'
import type { ImportSource } from '../../src/modules/imports/text-source.js'

/** A source over text, cut into small chunks so that records cross chunk boundaries. */
export function textSource(name: string, text: string, chunkBytes = 7): ImportSource {
  const bytes = new TextEncoder().encode(text)
  return {
    name,
    async *chunks() {
      for (let start = 0; start < bytes.length; start += chunkBytes) yield bytes.subarray(start, start + chunkBytes)
    },
  }
}

export function exampleSource(file: string): ImportSource {
  return textSource(file, readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8'), 4096)
}

export async function importText(
  db: Db,
  source: ImportSource,
  options: { kind?: ImportKind; dryRun?: boolean } = {},
): Promise<ImportSummary & { errors: ImportLineError[] }> {
  const errors: ImportLineError[] = []
  const summary = await runImport(
    db,
    { source, kind: options.kind ?? null, dryRun: options.dryRun ?? false, author: CLI_AUTHOR, runId: randomUUID() },
    { onError: (error) => errors.push(error), onProgress: () => {} },
  )
  return { ...summary, errors }
}

/** Row counts of the tables an import writes, to show what a run did or did not change. */
export async function tableCounts(db: Db) {
  const count = async (
    table:
      | 'product'
      | 'variant'
      | 'price_override'
      | 'stock_movement'
      | 'audit_entry'
      | 'inventory_level'
      | 'outbox_event',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    product: await count('product'),
    variant: await count('variant'),
    price_override: await count('price_override'),
    stock_movement: await count('stock_movement'),
    audit_entry: await count('audit_entry'),
    inventory_level: await count('inventory_level'),
    outbox_event: await count('outbox_event'),
  }
}

export const CATALOG_HEADER =
  'handle,title,description,category,option1_name,option1_value,sku,barcode,price,compare_at_price,tax_rate,images,price/POS,price@PAR-RIVOLI,price@PAR-RIVOLI/POS'
