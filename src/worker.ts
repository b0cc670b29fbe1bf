import type { ExecutionContext } from 'hono'
import { createApp } from './app.js'
import { withInvocationDb } from './worker/invocation-db.js'
import { isolateServicesFor } from './worker/isolate-services.js'
import { runScheduledPass } from './worker/scheduled-pass.js'
import type { WorkerEnv } from './worker/worker-env.js'

/**
 * Cloudflare Workers entry (wrangler.toml): the same app over PostgreSQL through Hyperdrive, and
 * a cron trigger doing what the Node server's background work does. Migrations run from CI with
 * `npm run migrate`, never on a request. An isolate keeps its config and keys; each invocation
 * opens its own database client (Workers forbid sharing sockets between requests).
 */
export default {
  fetch(request: Request, env: WorkerEnv, context: ExecutionContext): Promise<Response> {
    const services = isolateServicesFor(env)
    return withInvocationDb(services, context, async (db) =>
      createApp({ ...services.app, db }).fetch(request, env, context),
    )
  },

  scheduled(controller: { scheduledTime: number }, env: WorkerEnv, context: ExecutionContext): void {
    context.waitUntil(runScheduledPass(isolateServicesFor(env), controller.scheduledTime, context))
  },
}
