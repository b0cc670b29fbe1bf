import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface HotRowCeiling {
  /** Transactions per second, each the checkout's conditional stock UPDATE of one unit. */
  tps: number
  clients: number
  threads: number
  seconds: number
  version: string
}

export type HotRowCeilingResult = { kind: 'measured'; ceiling: HotRowCeiling } | { kind: 'unavailable'; reason: string }

/**
 * The physical ceiling for checkouts of one SKU: pgbench runs, for `seconds`, nothing but the bare
 * conditional UPDATE with which checkout reserves stock, on one inventory row, each in its own
 * transaction. No checkout of that SKU can commit faster than this row can be updated and
 * committed. The caller puts `reserved` back afterwards.
 */
export async function measureHotRowCeiling(
  url: string,
  row: { storeId: string; variantId: string },
  options: { seconds: number; clients: number; threads: number },
): Promise<HotRowCeilingResult> {
  const pgbench = findPgbench()
  if (!pgbench)
    return { kind: 'unavailable', reason: 'pgbench was not found (not on PATH nor under /usr/lib/postgresql)' }
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-pgbench-'))
  try {
    const script = join(dir, 'hot-row.sql')
    writeFileSync(
      script,
      `UPDATE inventory_level SET reserved = reserved + 1 WHERE store_id = '${uuid(row.storeId)}' AND variant_id = '${uuid(row.variantId)}' AND on_hand - reserved - safety_stock >= 1;\n`,
    )
    const { stdout: versionText } = await run(pgbench, ['--version'])
    const args = [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(options.clients),
      '-j',
      String(options.threads),
      '-T',
      String(options.seconds),
      '-f',
      script,
      url,
    ]
    const { stdout } = await run(pgbench, args, { timeout: (options.seconds + 60) * 1000 })
    const tps = /^tps = ([\d.]+)/m.exec(stdout)?.[1]
    if (!tps) return { kind: 'unavailable', reason: `pgbench printed no tps line:\n${stdout.slice(-500)}` }
    return {
      kind: 'measured',
      ceiling: { tps: Number(tps), ...options, version: versionText.trim() },
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { kind: 'unavailable', reason: `pgbench failed: ${message.split('\n')[0]}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function findPgbench(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench')
  }
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  for (const version of readdirSync(root).sort().reverse()) {
    const candidate = join(root, version, 'bin', 'pgbench')
    if (existsSync(candidate)) return candidate
  }
  return null
}

/** Ids go into SQL text: refuse anything but a UUID. */
function uuid(id: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a uuid: ${id}`)
  return id
}
