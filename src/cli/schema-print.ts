import { readFileSync, writeFileSync } from 'node:fs'
import { printSchemaSDL } from '../graphql/schema.js'

const path = new URL('../../schema/schema.graphql', import.meta.url)
const printed = printSchemaSDL()

if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(path, 'utf8')
  } catch {}
  if (committed !== printed) {
    process.stderr.write('schema/schema.graphql is stale: run `npm run schema:print` and commit it.\n')
    process.exit(1)
  }
  process.stdout.write('schema/schema.graphql is up to date.\n')
} else {
  writeFileSync(path, printed)
  process.stdout.write('wrote schema/schema.graphql\n')
}
