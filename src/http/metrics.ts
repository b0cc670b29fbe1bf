import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'

export interface HttpMetrics {
  registry: Registry
  requests: Counter<'method' | 'route' | 'status'>
  duration: Histogram<'method' | 'route'>
  /** Refusals by limit: a sign-in or hand-off rule, or the per-client request budget. */
  limiterRefusals: Counter<'limit'>
  graphqlOperations: GraphQLOperationCounter
  /** Scheduler runs by job and outcome (completed, skipped, failed). */
  jobRuns: Counter<'job' | 'outcome'>
}

/** GraphQL operations by type, name and outcome (ok, error, invalid). */
export type GraphQLOperationCounter = Counter<'type' | 'name' | 'outcome'>

/** One registry per app instance, so tests and several apps in one process never share counters. */
export function createHttpMetrics(options: { processMetrics: boolean }): HttpMetrics {
  const registry = new Registry()
  if (options.processMetrics) collectDefaultMetrics({ register: registry })
  return {
    registry,
    requests: new Counter({
      name: 'comptoir_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'comptoir_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    limiterRefusals: new Counter({
      name: 'comptoir_limiter_refusals_total',
      help: 'Attempts and requests refused by a limit (TOO_MANY_ATTEMPTS, HTTP 429), by limit',
      labelNames: ['limit'],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'comptoir_graphql_operations_total',
      help: 'GraphQL operations by type, name and outcome: ok, error (errors in the result), invalid (refused by validation)',
      labelNames: ['type', 'name', 'outcome'],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'comptoir_job_runs_total',
      help: 'Scheduled job runs by job and outcome: completed, skipped (another instance held it), failed',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
  }
}
