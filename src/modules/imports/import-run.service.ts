import type { Db } from '../../db/create-db.js'
import type { ImportKind, ImportLineError } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import type { BatchOutcome, BatchSettings } from './batch-outcome.js'
import { type BatchPipeline, createBatchPipeline } from './batch-pipeline.js'
import { catalogCsvProducts, isCatalogCsvHeader, readCatalogHeader } from './catalog-csv.js'
import type { ProductDraft } from './catalog-draft.js'
import { applyCatalogBatch } from './catalog-import.service.js'
import { catalogJsonlProduct } from './catalog-jsonl.js'
import { type CsvRecord, CsvSyntaxError, csvRecords } from './csv-records.js'
import * as importRepository from './import.repository.js'
import { type ImportContext, ImportFileError } from './import-context.js'
import { jsonlRecords } from './jsonl-records.js'
import { isStockCsvHeader, readStockHeader, type StockCsvHeader, type StockLine, stockLineOf } from './stock-csv.js'
import { applyStockBatch } from './stock-import.service.js'
import { type ImportSource, textChunks } from './text-source.js'

/** Lines per write: large enough that round trips do not dominate, small enough to keep memory flat. */
export const BATCH_LINES = 1000

export interface ImportRequest {
  source: ImportSource
  /** null: from the file's extension (.jsonl) or its header. */
  kind: ImportKind | null
  dryRun: boolean
  author: AuditAuthor
  /** The import job's id: in ledger references and the audit trail. */
  runId: string
  batchLines?: number
}

export interface ImportProgress {
  kind: ImportKind
  processed: number
  failed: number
  changed: number
}

export interface ImportListener {
  /** Each refused line, as soon as it is known (not kept: a file may have millions). */
  onError(error: ImportLineError): void
  /** After each batch. */
  onProgress(progress: ImportProgress): Promise<void> | void
}

export interface ImportSummary extends ImportProgress {
  /** Set when the file could not be read to its end (bad header, broken quoting): the lines before it stand. */
  fileError: ImportLineError | null
}

/**
 * Reads the file once, line by line, and applies it a batch at a time; a refused line is reported
 * and the rest go on. At the end (not in a dry run) one audit entry names the run and its counts.
 */
export async function runImport(db: Db, request: ImportRequest, listener: ImportListener): Promise<ImportSummary> {
  const context = await loadImportContext(db)
  const progress: ImportProgress = { kind: request.kind ?? 'CATALOG', processed: 0, failed: 0, changed: 0 }
  const run: Run = {
    db,
    context,
    settings: { context, author: request.author, runId: request.runId, dryRun: request.dryRun },
    batchLines: request.batchLines ?? BATCH_LINES,
    apply: async (outcome, lines) => {
      for (const error of outcome.errors) listener.onError(error)
      progress.processed += lines
      progress.failed += outcome.failedLines
      progress.changed += outcome.changed
      await listener.onProgress({ ...progress })
    },
  }
  let fileError: ImportLineError | null = null
  try {
    await readFile(run, request, (kind) => {
      progress.kind = kind
    })
  } catch (error) {
    fileError = fileErrorOf(error, progress.processed)
  }
  // A run that changed nothing made no back-office change: nothing to audit.
  if (!request.dryRun && progress.changed > 0) await recordRun(db, request, progress, fileError)
  return { ...progress, fileError }
}

interface Run {
  db: Db
  context: ImportContext
  settings: BatchSettings
  batchLines: number
  /** Reports a batch's outcome and counts its lines. */
  apply(outcome: BatchOutcome, lines: number): Promise<void>
}

/** The file's kind from its name or header, then its records, a batch at a time. */
async function readFile(run: Run, request: ImportRequest, onKind: (kind: ImportKind) => void): Promise<void> {
  const chunks = textChunks(request.source.chunks())
  if (/\.(jsonl|ndjson)$/i.test(request.source.name)) {
    if (request.kind === 'STOCK') throw new ImportFileError(1, 'a stock file is CSV (sku, store, on_hand).')
    return importProducts(run, jsonlProducts(chunks, run.context))
  }
  const records = csvRecords(chunks)[Symbol.asyncIterator]()
  const first = await records.next()
  if (first.done) throw new ImportFileError(1, 'the file is empty.')
  const header = first.value
  const kind =
    request.kind ?? (isStockCsvHeader(header.fields) ? 'STOCK' : isCatalogCsvHeader(header.fields) ? 'CATALOG' : null)
  if (kind === null) {
    throw new ImportFileError(
      header.line,
      'neither a catalog header (with price) nor a stock header (sku, store, on_hand).',
    )
  }
  onKind(kind)
  const rest = { [Symbol.asyncIterator]: () => records }
  if (kind === 'STOCK') return importStock(run, rest, readStockHeader(header))
  return importProducts(run, catalogCsvProducts(rest, readCatalogHeader(header, run.context), run.context))
}

/** Why reading stopped, for an error that is the file's fault; anything else is ours and is thrown on. */
function fileErrorOf(error: unknown, processed: number): ImportLineError {
  if (error instanceof ImportFileError || error instanceof CsvSyntaxError)
    return { line: error.line, message: error.message }
  if (error instanceof TypeError && /encoded|decode/i.test(error.message)) {
    return { line: processed + 1, message: `the file is not UTF-8 text (after ${processed} lines read).` }
  }
  // jsonlRecords' over-long line, whose message names it.
  if (error instanceof RangeError) return { line: processed + 1, message: error.message }
  throw error
}

export async function loadImportContext(db: Db): Promise<ImportContext> {
  const [stores, categories] = await Promise.all([importRepository.findStores(db), importRepository.findCategories(db)])
  const currencies = new Set(stores.map((store) => store.currency_code))
  return {
    storesByCode: new Map(stores.map((store) => [store.code, { id: store.id, currencyCode: store.currency_code }])),
    categoriesBySlug: new Map(categories.map((category) => [category.slug, category.id])),
    defaultCurrency: currencies.size === 1 ? [...currencies][0]! : null,
  }
}

async function* jsonlProducts(chunks: AsyncIterable<string>, context: ImportContext): AsyncGenerator<ProductDraft> {
  for await (const record of jsonlRecords(chunks)) yield catalogJsonlProduct(record, context)
}

/**
 * Products in batches of about `batchLines` lines. A product whose handle or a SKU is already in
 * the pending batch closes that batch first: one statement never touches a row twice, and a
 * later line wins over an earlier one, as it would line by line.
 */
async function importProducts(run: Run, products: AsyncIterable<ProductDraft>): Promise<void> {
  let batch: ProductDraft[] = []
  let lines = 0
  let keys = new Set<string>()
  await pipelined(run, async (pipeline) => {
    const flush = async () => {
      const drafts = batch
      if (drafts.length > 0)
        await pipeline.submit({ keys, lines, write: () => applyCatalogBatch(run.db, drafts, run.settings) })
      batch = []
      lines = 0
      keys = new Set()
    }
    for await (const product of products) {
      const productKeys = catalogKeysOf(product)
      if (productKeys.some((key) => keys.has(key)) || lines + product.lines.length > run.batchLines) await flush()
      batch.push(product)
      lines += product.lines.length
      for (const key of productKeys) keys.add(key)
    }
    await flush()
  })
}

/** The rows a product's lines write, by their unique keys. */
function catalogKeysOf(product: ProductDraft): string[] {
  return [
    `handle:${product.handle}`,
    ...product.variants.flatMap((variant) => [
      `sku:${variant.sku}`,
      ...(variant.barcode === null ? [] : [`barcode:${variant.barcode}`]),
    ]),
  ]
}

/** Stock lines in batches; a (store, SKU) pair already in the batch closes it first, as above. */
async function importStock(run: Run, records: AsyncIterable<CsvRecord>, header: StockCsvHeader): Promise<void> {
  let batch: StockLine[] = []
  let refused: ImportLineError[] = []
  let keys = new Set<string>()
  await pipelined(run, async (pipeline) => {
    const flush = async () => {
      const [lines, refusedLines] = [batch, refused]
      await pipeline.submit({
        keys,
        lines: lines.length + refusedLines.length,
        write: async () => {
          const outcome = await applyStockBatch(run.db, lines, run.settings)
          const errors = [...refusedLines, ...outcome.errors].sort((a, b) => a.line - b.line)
          return { ...outcome, failedLines: outcome.failedLines + refusedLines.length, errors }
        },
      })
      batch = []
      refused = []
      keys = new Set()
    }
    for await (const record of records) {
      const line = stockLineOf(record, header, run.context)
      if ('message' in line) refused.push(line)
      else {
        const key = `${line.storeId}:${line.sku}`
        if (keys.has(key)) await flush()
        batch.push(line)
        keys.add(key)
      }
      if (batch.length + refused.length >= run.batchLines) await flush()
    }
    if (batch.length + refused.length > 0) await flush()
  })
}

/**
 * Reads through a pipeline of batch writes, and waits for them all however the reading ends: a
 * file that breaks off keeps the batches before it, and a failed write outranks the file's error.
 */
async function pipelined(run: Run, read: (pipeline: BatchPipeline) => Promise<void>): Promise<void> {
  const pipeline = createBatchPipeline(run.apply)
  try {
    await read(pipeline)
  } catch (error) {
    await pipeline.drain()
    throw error
  }
  await pipeline.drain()
}

/** One audit entry per run that changed something, with its counts; each changed entity has its own entry (stock: ledger row). */
async function recordRun(db: Db, request: ImportRequest, progress: ImportProgress, fileError: ImportLineError | null) {
  await inTransaction(db, (trx) =>
    recordAudit(trx, request.author, {
      entity: 'import_job',
      entityId: request.runId,
      action: 'IMPORT',
      before: null,
      after: {
        kind: progress.kind,
        file: request.source.name,
        processed: progress.processed,
        failed: progress.failed,
        changed: progress.changed,
        fileError,
      },
    }),
  )
}
