import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { unixSocketDirectoryOf } from '../../src/config.js'

/** Debian's pgbouncer in transaction pooling mode, in front of one PostgreSQL server. */
export interface PgBouncer {
  /** A URL through the pooler (TCP on loopback) to a database of the server, as `serverUrl`'s user. */
  urlFor(database: string): string
  /** The same through the pooler's Unix socket, which skips loopback TCP. */
  socketUrlFor(database: string): string
  stop(): Promise<void>
}

export interface PgBouncerOptions {
  /** Server connections per database and user: fewer than the app's pool, so they are shared. */
  poolSize: number
}

/**
 * Starts pgbouncer on a free loopback port, every database of `serverUrl`'s server behind it.
 * pgbouncer refuses to run as root: as root it runs as the postgres user, its files in a temporary
 * directory that user owns.
 */
export async function startPgBouncer(serverUrl: string, options: PgBouncerOptions): Promise<PgBouncer> {
  const server = new URL(serverUrl)
  // A socket URL names its user in the query (`?host=/run/postgresql&user=…`).
  const user = decodeURIComponent(server.username) || server.searchParams.get('user') || 'postgres'
  const password = decodeURIComponent(server.password)
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-pgbouncer-'))
  chmodSync(dir, 0o755)
  const port = await freePort()
  const serverHost = unixSocketDirectoryOf(server) ?? server.hostname
  const configPath = join(dir, 'pgbouncer.ini')
  writeFileSync(
    configPath,
    [
      '[databases]',
      `* = host=${serverHost} port=${server.port || '5432'}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 1000',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  )
  // With trust, the file only names the users and, for the server, their passwords.
  writeFileSync(join(dir, 'users.txt'), `"${user}" "${password.replaceAll('"', '""')}"\n`)
  const owner = process.getuid?.() === 0 ? postgresUser() : null
  if (owner) for (const path of [dir, configPath, join(dir, 'users.txt')]) chownSync(path, owner.uid, owner.gid)

  const child = spawn('pgbouncer', [configPath], { stdio: 'ignore', ...(owner ?? {}) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('error', () => {})
  try {
    await waitForPort(port, child, dir)
  } catch (error) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    throw error
  }

  const through = (host: string, database: string) => {
    const url = new URL(`postgres://127.0.0.1:${port}/${database}`)
    url.username = encodeURIComponent(user)
    url.password = server.password
    if (host !== '127.0.0.1') url.searchParams.set('host', host)
    return url.toString()
  }
  return {
    urlFor: (database) => through('127.0.0.1', database),
    socketUrlFor: (database) => through(dir, database),
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no free port')
  return address.port
}

async function waitForPort(port: number, child: ChildProcess, dir: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}: ${logOf(dir)}`)
    if (await accepts(port)) return
    await delay(50)
  }
  throw new Error(`pgbouncer did not listen on ${port} within 10 s: ${logOf(dir)}`)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function logOf(dir: string): string {
  try {
    return readFileSync(join(dir, 'pgbouncer.log'), 'utf8').slice(-2000)
  } catch {
    return '(no log)'
  }
}
