import module from 'node:module'

/**
 * The compiled server's entry (`dist/server.js`): on Node 22.1 and later, V8's compiled code of
 * the bundle is kept on disk between starts (the tmp directory, or NODE_COMPILE_CACHE), sparing a
 * restart most of the bundle's compilation; Node 20 has no such cache and starts as before. The
 * cache must be on before the bundle loads, hence this entry and the dynamic import.
 */
const withCompileCache = module as typeof module & { enableCompileCache?: () => unknown }
withCompileCache.enableCompileCache?.()
await import('./server.js')
