import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb } from '../../src/db/create-db.js'
import { claimDataDir, EmbeddedDatabaseBusyError, LOCK_FILE } from '../../src/db/embedded-lock.js'

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'comptoir-lock-'))
})
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

/** The pid of a process that has ended, as a server killed with SIGKILL leaves behind. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(child.stdout)
}

describe('claimDataDir', () => {
  it('refuses a second claim while the first holds the directory, and allows one after release', () => {
    const release = claimDataDir(dataDir)
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`)
    expect(() => claimDataDir(dataDir)).toThrow(EmbeddedDatabaseBusyError)
    release()
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
    claimDataDir(dataDir)()
  })

  it("refuses while another live process's id is in the lock, naming it", () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
    try {
      writeFileSync(join(dataDir, LOCK_FILE), `${holder.pid}\n`)
      expect(() => claimDataDir(dataDir)).toThrow(`open in process ${holder.pid}`)
      // Refused, the lock is still the holder's.
      expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(`${holder.pid}\n`)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('takes over a lock left by a process that died, or an unreadable one', () => {
    writeFileSync(join(dataDir, LOCK_FILE), `${deadPid()}\n`)
    const release = claimDataDir(dataDir)
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`)
    release()
    writeFileSync(join(dataDir, LOCK_FILE), 'garbage')
    claimDataDir(dataDir)()
  })
})

describe('the embedded database', () => {
  it('holds its data directory while open and gives it back when destroyed', async () => {
    const db = await createDb({ kind: 'embedded', dataDir })
    await expect(createDb({ kind: 'embedded', dataDir })).rejects.toThrow(EmbeddedDatabaseBusyError)
    await sql`CREATE TABLE kept (n int)`.execute(db)
    await sql`INSERT INTO kept VALUES (1)`.execute(db)
    await db.destroy()
    const reopened = await createDb({ kind: 'embedded', dataDir })
    try {
      const { rows } = await sql<{ n: number }>`SELECT n FROM kept`.execute(reopened)
      expect(rows).toEqual([{ n: 1 }])
    } finally {
      await reopened.destroy()
    }
  }, 60_000)

  it("refuses a CLI beside the process that has it open: exit 2, one line, the holder's data untouched", async () => {
    const db = await createDb({ kind: 'embedded', dataDir })
    try {
      await sql`CREATE TABLE kept (n int)`.execute(db)
      await sql`INSERT INTO kept VALUES (1)`.execute(db)
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/jobs.ts', '--once'], {
        env: { ...process.env, DATABASE_URL: undefined, DATA_DIR: dataDir, PAYMENT_PROVIDER: 'offline' },
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(run.status).toBe(2)
      expect(run.stderr).toBe(`${new EmbeddedDatabaseBusyError(dataDir, process.pid).message}\n`)
      expect(run.stdout).not.toMatch(/job ran/)
      expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`)
      const { rows } = await sql<{ n: number }>`SELECT n FROM kept`.execute(db)
      expect(rows).toEqual([{ n: 1 }])
    } finally {
      await db.destroy()
    }
  }, 60_000)
})

describe('processes claiming one directory at the same instant', () => {
  /** Starts `count` processes that each claim `dir` on the same signal; answers how many got it. */
  async function race(count: number): Promise<{ held: number; busy: number }> {
    const claimant = `
      import { claimDataDir } from './src/db/embedded-lock.ts'
      process.stdout.write('ready\\n')
      process.stdin.once('data', () => {
        try {
          claimDataDir(process.argv[1])
          process.stdout.write('held\\n')
        } catch (error) {
          process.stdout.write(error.name === 'EmbeddedDatabaseBusyError' ? 'busy\\n' : \`failed \${error}\\n\`)
        }
      })`
    const children = Array.from({ length: count }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', claimant, dataDir]),
    )
    const lines = children.map((child) => {
      const said: string[] = []
      let next: (() => void) | null = null
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (text: string) => {
        said.push(...text.split('\n').filter(Boolean))
        next?.()
      })
      return async (count: number) => {
        while (said.length < count) {
          await new Promise<void>((resolve) => {
            next = resolve
          })
        }
        return said[count - 1]
      }
    })
    try {
      expect(await Promise.all(lines.map((line) => line(1)))).toEqual(children.map(() => 'ready'))
      for (const child of children) child.stdin.write('go\n')
      // Each holds what it took until every answer is in: a released lock would let a late one in.
      const answers = await Promise.all(lines.map((line) => line(2)))
      expect(answers.filter((answer) => answer !== 'held' && answer !== 'busy')).toEqual([])
      return {
        held: answers.filter((answer) => answer === 'held').length,
        busy: answers.filter((answer) => answer === 'busy').length,
      }
    } finally {
      for (const child of children) child.kill('SIGKILL')
    }
  }

  it('gives a fresh directory to exactly one of them', async () => {
    expect(await race(6)).toEqual({ held: 1, busy: 5 })
  }, 60_000)

  it('gives a directory whose holder died to exactly one of them', async () => {
    writeFileSync(join(dataDir, LOCK_FILE), `${deadPid()}\n`)
    expect(await race(6)).toEqual({ held: 1, busy: 5 })
  }, 60_000)
})
