import { GraphQLError, getOperationAST } from 'graphql'
import type { Plugin } from 'graphql-yoga'

/**
 * Where subscriptions cannot be held open (Cloudflare Workers: no long-lived in-process pub/sub
 * between invocations), a subscription is answered at once with an error that says where live
 * updates are served, instead of a stream that would never carry an event.
 */
export function refuseSubscriptions(nodeUrl: string | null): Plugin {
  const where = nodeUrl ? `the Node deployment at ${nodeUrl}` : 'the Node deployment (npm start)'
  const message = `Subscriptions are not served on Cloudflare Workers: open live screens on ${where}.`
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'subscription') return
      setResultAndStopExecution({
        errors: [
          new GraphQLError(message, {
            extensions: { code: 'SUBSCRIPTIONS_UNAVAILABLE', ...(nodeUrl ? { nodeUrl } : {}) },
          }),
        ],
      })
    },
  }
}
