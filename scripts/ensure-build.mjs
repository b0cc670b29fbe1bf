// `npm start`'s and `npm run import`'s first step: make sure dist/ holds a build of the current sources. Plain
// JavaScript, because a production tree has neither tsx nor esbuild (npm prune --omit=dev).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const BUILT = 'dist/server.js'
const SOURCES = ['src', 'migrations', 'package.json', 'package-lock.json']

/** The newest modification time under `path`, a file or a folder. */
function newestChange(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)))
  return newest
}

function canBuild() {
  try {
    createRequire(import.meta.url).resolve('esbuild')
    return true
  } catch {
    return false
  }
}

const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0
// A production image ships dist/ without the tools to rebuild it: what was built is what runs.
if (!canBuild()) {
  if (builtAt === 0) {
    process.stderr.write(
      `${BUILT} is missing and the build tools are not installed: run \`npm ci && npm run build\`.\n`,
    )
    process.exit(1)
  }
  process.exit(0)
}
if (builtAt > Math.max(...SOURCES.map(newestChange))) process.exit(0)
// Said on stderr, with the build's own output: stdout belongs to the command that follows (`npm run import -- --json`).
process.stderr.write(
  builtAt === 0 ? 'No build yet: building dist/…\n' : 'Sources changed since the last build: rebuilding dist/…\n',
)
const result = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['inherit', 2, 'inherit'] })
process.exit(result.status ?? 1)
