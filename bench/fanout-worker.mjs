// Node 20 does not hand tsx's loader to worker threads, so the worker loads the TypeScript
// client through tsx's API.
import { tsImport } from 'tsx/esm/api'

await tsImport('./fanout-client.ts', import.meta.url)
