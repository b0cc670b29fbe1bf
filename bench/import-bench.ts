import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Db } from '../src/db/create-db.js'
import type { ImportSummary } from '../src/modules/imports/import-run.service.js'
import { ensureBuilt, ROOT } from './build.js'
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
    ensureBuilt()
    log(`import: catalog of ${IMPORT_VARIANTS} variants (${statSync(paths.catalog).size} bytes)…`)
    const catalog = await importInChild(url, paths.catalog)
    log(`import: stock in ${stores.length} stores (${statSync(paths.stock).size} bytes)…`)
    const stock = await importInChild(url, paths.stock)
    return { catalog, stock, stores: stores.length }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/**
 * `npm run import -- FILE --json` as a retailer runs it: the compiled CLI in its own process, its
 * peak RSS and CPU told by a preloaded module. The time is the CLI's own, from the summary: the
 * import itself, without the process's start and the migration check.
 */
async function importInChild(url: string, file: string): Promise<ImportRun> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', './bench/process-usage.mjs', 'dist/cli/import.js', file, '--json'],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      // Production refuses to start without secrets: the import reads none of them.
      env: {
        ...process.env,
        DATABASE_URL: url,
        LOG_LEVEL: 'warn',
        JWT_SECRET: 'bench-import-jwt-secret-0123456789abcdef',
        STRIPE_SECRET_KEY: 'sk_test_bench_import',
        STRIPE_WEBHOOK_SECRET: 'whsec_bench_import',
      },
    },
  )
  const summary = (
    JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { summary: ImportSummary & { seconds: number } }
  ).summary
  const usageLine = stderr.split('\n').find((line) => line.startsWith('process-usage '))
  if (!usageLine) throw new Error(`the import of ${file} did not report its usage:\n${stderr}`)
  const usage = JSON.parse(usageLine.slice('process-usage '.length)) as { peakRssBytes: number; cpuSeconds: number }
  if (summary.failed > 0) throw new Error(`the bench import of ${file} refused ${summary.failed} lines`)
  return {
    file,
    bytes: statSync(file).size,
    processed: summary.processed,
    failed: summary.failed,
    changed: summary.changed,
    seconds: summary.seconds,
    ...usage,
  }
}

export function renderImport(report: ImportReport | null): string[] {
  if (!report) return []
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
  const row = (name: string, run: ImportRun, unit: string) =>
    `| ${name} | ${mb(run.bytes)} | ${run.processed} ${unit} | ${run.changed} | ${run.seconds.toFixed(1)} s | ${Math.round(run.processed / run.seconds)} | ${run.cpuSeconds.toFixed(1)} s | ${mb(run.peakRssBytes)} |`
  return [
    '## Bulk import',
    '',
    `A generated catalog of ${IMPORT_VARIANTS} variants (4 per product, a POS and a store price each), then its stock in ${report.stores} stores, each file imported by the compiled CLI (\`node dist/cli/import.js FILE --json\`, what \`npm run import\` runs) in its own process; time from its summary, peak RSS that process's maxRSS. Target: ${IMPORT_TARGET.rowsPerSecond} variant rows/s with RSS under ${mb(IMPORT_TARGET.peakRssBytes)}.`,
    '',
    '| file | size | lines | rows changed | time | lines/s | importer CPU | peak RSS |',
    '|---|---|---|---|---|---|---|---|',
    row('catalog.csv', report.catalog, 'variants'),
    row('stock.csv', report.stock, 'levels'),
    '',
  ]
}
