import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { createDb } from '../src/db/create-db.js'
import { CLI_AUTHOR } from '../src/modules/audit/audit.service.js'
import { runImport } from '../src/modules/imports/import-run.service.js'

// The importing process of the import bench (import-bench.ts): it imports one file, as
// `npm run import` would, and prints its counts, its time and its peak resident set as JSON.
const [url, file] = process.argv.slice(2)
if (!url || !file) throw new Error('usage: import-child.ts DATABASE_URL FILE')
const db = await createDb({ kind: 'postgres', url, poolMax: 4 })
const started = performance.now()
const cpuBefore = process.cpuUsage()
const summary = await runImport(
  db,
  {
    source: { name: basename(file), chunks: () => createReadStream(file, { highWaterMark: 64 * 1024 }) },
    kind: null,
    dryRun: false,
    author: CLI_AUTHOR,
    runId: randomUUID(),
  },
  { onError: () => {}, onProgress: () => {} },
)
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuBefore)
const cpuSeconds = (cpu.user + cpu.system) / 1e6
await db.destroy()
// maxRSS is in kilobytes: the process's high-water mark, the same figure as VmHWM.
process.stdout.write(
  `${JSON.stringify({ ...summary, seconds, cpuSeconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
)
