import { IncomingMessage } from 'node:http'
import { isJsonGraphQLPost, readNodeJsonBody } from './node-json-body.js'
import { type createGraphQLHandler, GRAPHQL_MAX_BODY_BYTES, type ServerContext } from './yoga.js'

type Yoga = ReturnType<typeof createGraphQLHandler>

/** Answered, as yoga answers it, to a GraphQL request over GRAPHQL_MAX_BODY_BYTES. */
const REQUEST_TOO_LARGE = JSON.stringify({
  errors: [{ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }],
})

/**
 * One GraphQL request through yoga, with the two hand-overs the Node adapter makes costly done
 * here instead (together about a third of a checkout's server CPU):
 * - under Node, a JSON POST's body is read off the socket and handed to yoga as text, with a
 *   Request that carries none; yoga would read it through web streams, and its size limit
 *   through a second stream and Request. That Request is yoga's own kind (its fetch API's):
 *   the global one, which @hono/node-server replaces with undici's, took a few percent of the
 *   server's CPU per checkout to build;
 * - a JSON answer is handed back as text in the runtime's own Response, which the adapter writes
 *   in one go; yoga's would be read back through a stream reader. Event streams and other bodies
 *   pass through as they come.
 * `env` is Hono's: @hono/node-server puts the IncomingMessage there; other runtimes do not.
 */
export async function serveGraphQL(
  yoga: Yoga,
  request: Request,
  env: unknown,
  serverContext: ServerContext,
): Promise<Response> {
  let forYoga = request
  const incoming = nodeIncomingOf(env)
  if (incoming && isJsonGraphQLPost(request.method, request.headers.get('content-type') ?? undefined)) {
    const body = await readNodeJsonBody(incoming, GRAPHQL_MAX_BODY_BYTES)
    if (body.kind === 'too-large') {
      return new Response(REQUEST_TOO_LARGE, { status: 413, headers: { 'content-type': 'application/json' } })
    }
    serverContext.jsonBody = body.text
    forYoga = new yoga.fetchAPI.Request(request.url, { method: 'POST', headers: request.headers })
  }
  const response = await yoga.fetch(forYoga, serverContext)
  if (!response.headers.get('content-type')?.includes('json')) return response
  return new Response(await response.text(), { status: response.status, headers: new Headers(response.headers) })
}

function nodeIncomingOf(env: unknown): IncomingMessage | null {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming
  return incoming instanceof IncomingMessage ? incoming : null
}
