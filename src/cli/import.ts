import { randomUUID } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { loadConfig } from '../config.js'
import type { ImportKind } from '../db/database.js'
import { createLogger } from '../logger.js'
import { CLI_AUTHOR } from '../modules/audit/audit.service.js'
import { runImport } from '../modules/imports/import-run.service.js'
import { openDatabase } from '../runtime.js'
import { progressBar } from './progress-bar.js'

// npm run import -- FILE [--kind catalog|stock] [--dry-run] [--json]; formats in docs/import.md.
// Bad lines go to stdout as "line N: reason", the progress bar and the summary to stderr. With
// --json, stdout is JSON Lines for a script to read: one object per bad line, then the summary.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
})
const file = positionals[0]
const kindOption = values.kind?.toUpperCase()
if (
  positionals.length !== 1 ||
  !file ||
  (kindOption !== undefined && kindOption !== 'CATALOG' && kindOption !== 'STOCK')
) {
  process.stderr.write('usage: npm run import -- FILE [--kind catalog|stock] [--dry-run] [--json]\n')
  process.exit(2)
}

const json = values.json ?? false
const dryRun = values['dry-run'] ?? false
const config = loadConfig(process.env, 'database-tool')
// On stderr: stdout carries the refused lines (and with --json, nothing but JSON).
const logger = createLogger(config.logLevel, pino.destination({ fd: 2, sync: true }))
const totalBytes = statSync(file).size
const bar = progressBar(process.stderr, totalBytes)
let bytesRead = 0
const db = await openDatabase(config, logger, { migrate: true })
const started = performance.now()
try {
  const summary = await runImport(
    db,
    {
      source: {
        name: basename(file),
        async *chunks() {
          for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
            bytesRead += chunk.length
            yield chunk
          }
        },
      },
      kind: (kindOption as ImportKind | undefined) ?? null,
      dryRun,
      author: CLI_AUTHOR,
      runId: randomUUID(),
    },
    {
      onError: (error) =>
        process.stdout.write(
          json
            ? `${JSON.stringify({ line: error.line, message: error.message })}\n`
            : `line ${error.line}: ${error.message}\n`,
        ),
      onProgress: (progress) =>
        bar.update(bytesRead, `${progress.processed} lines, ${progress.failed} refused, ${progress.changed} changed`),
    },
  )
  bar.end()
  const seconds = (performance.now() - started) / 1000
  if (json) process.stdout.write(`${JSON.stringify({ summary: { ...summary, dryRun, seconds } })}\n`)
  else if (summary.fileError)
    process.stdout.write(`line ${summary.fileError.line}: ${summary.fileError.message} (reading stopped here)\n`)
  process.stderr.write(
    `${dryRun ? 'dry run, nothing written: ' : ''}${summary.kind.toLowerCase()} import of ${basename(file)}: ` +
      `${summary.processed} lines, ${summary.processed - summary.failed} applied, ${summary.failed} refused, ` +
      `${summary.changed} rows changed in ${seconds.toFixed(1)} s (${Math.round(summary.processed / seconds)} lines/s)\n`,
  )
  process.exitCode = summary.failed > 0 || summary.fileError ? 1 : 0
} finally {
  await db.destroy()
}
