// Bundled by wrangler in place of @electric-sql/pglite (wrangler.toml [alias]): Workers have no
// disk, and the worker always connects to PostgreSQL (worker-env.ts refuses to start without one).
throw new Error('The embedded database (PGlite) is not available on Cloudflare Workers: use Hyperdrive')
