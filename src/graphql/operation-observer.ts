import { context, trace } from '@opentelemetry/api'
import { getOperationAST } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { GraphQLOperationCounter } from '../http/metrics.js'
import { markFailed, tracer } from '../observability/tracing.js'

/** Past this many distinct operation names, the rest count as "other": clients choose names. */
const MAX_OPERATION_NAMES = 200

/**
 * A span per executed operation, named as OpenTelemetry's GraphQL conventions say ("query
 * ProductList"), its resolvers' SQL and Stripe spans beneath it; and the operations counted by
 * type, name and outcome (ok, error; invalid when validation refused them). No variables and
 * no document text: inputs carry passwords and tokens.
 */
export function observeOperations(counter: GraphQLOperationCounter): Plugin {
  const names = new Set<string>()
  const nameLabel = (name: string) => {
    if (names.has(name)) return name
    if (names.size >= MAX_OPERATION_NAMES) return 'other'
    names.add(name)
    return name
  }
  return {
    onValidate({ params }) {
      return ({ valid }) => {
        if (valid) return
        const operation = getOperationAST(params.documentAST)
        counter.inc({
          type: operation?.operation ?? 'unknown',
          name: nameLabel(operation?.name?.value ?? ''),
          outcome: 'invalid',
        })
      }
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName)
      const type = operation?.operation ?? 'query'
      const name = operation?.name?.value ?? ''
      const span = tracer.startSpan(name ? `${type} ${name}` : type, {
        attributes: { 'graphql.operation.type': type, 'graphql.operation.name': name },
      })
      const ctx = trace.setSpan(context.active(), span)
      setExecuteFn((execArgs) => context.with(ctx, () => executeFn(execArgs)))
      return {
        onExecuteDone({ result }) {
          const failed = 'errors' in result && (result.errors?.length ?? 0) > 0
          if (failed) markFailed(span, result.errors?.[0]?.originalError ?? result.errors?.[0])
          span.end()
          counter.inc({ type, name: nameLabel(name), outcome: failed ? 'error' : 'ok' })
        },
      }
    },
  }
}
