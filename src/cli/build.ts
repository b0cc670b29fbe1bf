import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/**
 * `npm run build`: the server and the operational CLIs bundled by esbuild into `dist/`, run by
 * plain `node` with only the production dependencies. One bundle rather than tsc's file per
 * module: Node then reads and links a handful of files instead of some two thousand modules of
 * node_modules, which took the cold start to /readyz from about 3 s under tsx to 1 s (bench
 * `--only=startup`), and no TypeScript loader thread sits beside the server. Everything the server
 * reads at run time is code (migrations and the board's script are modules), so the bundle needs
 * no file beside it.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))

const BUILD_ENTRIES = {
  // src/start.ts turns on Node's compile cache, then loads src/server.ts (a chunk).
  server: 'src/start.ts',
  'cli/migrate': 'src/cli/migrate.ts',
  'cli/seed': 'src/cli/seed.ts',
  'cli/jobs': 'src/cli/jobs.ts',
  'cli/webhooks': 'src/cli/webhooks.ts',
  'cli/import': 'src/cli/import.ts',
  'cli/insights-backfill': 'src/cli/insights-backfill.ts',
}

/**
 * Left to node_modules: PGlite finds its WebAssembly and data files beside its own module; the
 * GraphiQL bundle (9 MB) is imported only on the first visit to GraphiQL; pg-native is an
 * optional peer of pg that is not installed.
 */
const EXTERNAL = ['@electric-sql/pglite', '@graphql-yoga/render-graphiql', 'pg-native']

/** The CommonJS packages inside the ESM bundle call `require` for Node's built-ins. */
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);"

const outdir = `${root}dist`
rmSync(outdir, { recursive: true, force: true })
const started = performance.now()
await build({
  absWorkingDir: root,
  entryPoints: BUILD_ENTRIES,
  outdir,
  bundle: true,
  // Shared code goes into chunks once, instead of one copy per CLI.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.json',
  external: EXTERNAL,
  banner: { js: REQUIRE_SHIM },
  // Stack traces keep the functions' names; NODE_OPTIONS=--enable-source-maps maps them to the sources.
  keepNames: true,
  // A third of the bytes Node reads and parses at every start (about 60 ms of the cold start).
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
})
process.stdout.write(`built dist/ in ${Math.round(performance.now() - started)} ms\n`)
