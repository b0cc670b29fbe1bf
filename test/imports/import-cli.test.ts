import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { tableCounts } from './import-helpers.js'

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

const CLI = fileURLToPath(new URL('../../src/cli/import.ts', import.meta.url))
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))

/** `npm run import -- …` against the test database; stdout, stderr and the exit code. */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
      // As a retailer runs it in production: the database alone, none of the API's secrets.
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: testDb.url ?? '',
        JWT_SECRET: '',
        STRIPE_SECRET_KEY: '',
        PAYMENT_PROVIDER: '',
        LOG_LEVEL: 'silent',
      },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

// The CLI opens the database by URL: PostgreSQL only (an embedded test database is in-process).
describe.skipIf(!process.env.DATABASE_URL)('npm run import', () => {
  it('dry-runs then imports the samples, and exits 1 naming each bad line on stdout', async () => {
    const before = await tableCounts(testDb.db)
    const dry = await runCli([join(EXAMPLES, 'catalog.csv'), '--dry-run'])
    expect(dry).toMatchObject({ code: 0, stdout: '' })
    expect(dry.stderr).toMatch(
      /dry run, nothing written: catalog import of catalog.csv: 5 lines, 5 applied, 0 refused, 14 rows changed/,
    )
    expect(await tableCounts(testDb.db)).toEqual(before)

    const stock = await runCli([join(EXAMPLES, 'stock.csv'), '--kind', 'stock'])
    expect(stock.code).toBe(0)
    expect(stock.stderr).toMatch(/stock import of stock.csv: 5 lines, 5 applied, 0 refused/)

    const bad = join(tmpdir(), `comptoir-bad-${process.pid}.csv`)
    writeFileSync(bad, 'sku,store,on_hand\nTSH-ORG-NAV-M,PAR-RIVOLI,many\n')
    const refused = await runCli([bad])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('line 2: on_hand: "many" is not a whole number from 0 to 1000000.\n')

    // --json: stdout is JSON Lines for a script, each refused line then the summary.
    const scripted = await runCli([bad, '--json'])
    expect(scripted.code).toBe(1)
    const [lineError, last, ...rest] = scripted.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(rest).toEqual([])
    expect(lineError).toEqual({ line: 2, message: 'on_hand: "many" is not a whole number from 0 to 1000000.' })
    expect(last.summary).toMatchObject({
      kind: 'STOCK',
      processed: 1,
      failed: 1,
      changed: 0,
      dryRun: false,
      fileError: null,
    })
    expect(last.summary.seconds).toBeGreaterThan(0)

    const usage = await runCli([])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/^usage: npm run import -- FILE/)
  })
})
