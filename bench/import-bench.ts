import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Db } from '../src/db/create-db.js'
import { writeImportFiles } from './import-files.js'

export const IMPORT_VARIANTS = 100_000
/** The target: variant rows per second, and the importing process's peak RSS. */
export const IMPORT_TARGET = { rowsPerSecond: 10_000, peakRssBytes: 256 * 1024 * 1024 }

export interface ImportRun {
  file: string
  bytes: number
  processed: number
  failed: number
  changed: number
  seconds: number
  /** The importing process's own CPU time: what the file costs on the client side, whatever the database's load. */
  cpuSeconds: number
  peakRssBytes: number
}

export interface ImportReport {
  catalog: ImportRun
  stock: ImportRun
  stores: number
}

/**
 * Generates a catalog of IMPORT_VARIANTS variants (two price overrides each) and its stock in
 * every store, then imports each file in a child process (as `npm run import` runs) and reads
 * the child's own time and peak RSS: the bench's process holds far more than an import does.
 */
export async function measureImport(db: Db, url: string, log: (line: string) => void): Promise<ImportReport> {
  const stores = await db.selectFrom('store').select('code').orderBy('code').execute()
  const categories = await db.selectFrom('category').select('slug').orderBy('slug').execute()
  const directory = mkdtempSync(join(tmpdir(), 'comptoir-import-bench-'))
  try {
    const paths = { catalog: join(directory, 'catalog.csv'), stock: join(directory, 'stock.csv') }
    await writeImportFiles(paths, {
      variants: IMPORT_VARIANTS,
      storeCodes: stores.map((store) => store.code),
      categories: categories.map((category) => category.slug),
    })
    log(`import: catalog of ${IMPORT_VARIANTS} variants (${statSync(paths.catalog).size} bytes)…`)
    const catalog = await importInChild(url, paths.catalog)
    log(`import: stock in ${stores.length} stores (${statSync(paths.stock).size} bytes)…`)
    const stock = await importInChild(url, paths.stock)
    return { catalog, stock, stores: stores.length }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

async function importInChild(url: string, file: string): Promise<ImportRun> {
  const child = fileURLToPath(new URL('./import-child.ts', import.meta.url))
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, url, file], {
    maxBuffer: 1024 * 1024,
  })
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Omit<ImportRun, 'file' | 'bytes'>
  if (result.failed > 0) throw new Error(`the bench import of ${file} refused ${result.failed} lines`)
  return { ...result, file, bytes: statSync(file).size }
}

export function renderImport(report: ImportReport | null): string[] {
  if (!report) return []
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
  const row = (name: string, run: ImportRun, unit: string) =>
    `| ${name} | ${mb(run.bytes)} | ${run.processed} ${unit} | ${run.changed} | ${run.seconds.toFixed(1)} s | ${Math.round(run.processed / run.seconds)} | ${run.cpuSeconds.toFixed(1)} s | ${mb(run.peakRssBytes)} |`
  return [
    '## Bulk import',
    '',
    `A generated catalog of ${IMPORT_VARIANTS} variants (4 per product, a POS and a store price each), then its stock in ${report.stores} stores, each file imported by \`runImport\` in its own child process (peak RSS: that process's maxRSS). Target: ${IMPORT_TARGET.rowsPerSecond} variant rows/s with RSS under ${mb(IMPORT_TARGET.peakRssBytes)}.`,
    '',
    '| file | size | lines | rows changed | time | lines/s | importer CPU | peak RSS |',
    '|---|---|---|---|---|---|---|---|',
    row('catalog.csv', report.catalog, 'variants'),
    row('stock.csv', report.stock, 'levels'),
    '',
  ]
}
