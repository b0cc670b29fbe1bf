import { readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { BOARD_MODULE_PATH, buildBoardModule } from './board-bundle.js'

const generated = await buildBoardModule()
const shown = relative(process.cwd(), BOARD_MODULE_PATH)

if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(BOARD_MODULE_PATH, 'utf8')
  } catch {}
  if (committed !== generated) {
    process.stderr.write(`${shown} is stale: run \`npm run build:board\` and commit it.\n`)
    process.exit(1)
  }
  process.stdout.write(`${shown} is up to date.\n`)
} else {
  writeFileSync(BOARD_MODULE_PATH, generated)
  process.stdout.write(`wrote ${shown}\n`)
}
