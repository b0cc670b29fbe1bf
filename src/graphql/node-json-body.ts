import type { IncomingMessage } from 'node:http'
import { GraphQLError } from 'graphql'

/** A GraphQL POST whose JSON body was read straight off Node's request stream. */
export type NodeJsonBody = { kind: 'read'; text: string } | { kind: 'too-large' }

/** application/json or application/graphql+json, as yoga's own JSON parser recognises them. */
export function isJsonGraphQLPost(method: string, contentType: string | undefined): boolean {
  if (method !== 'POST' || !contentType) return false
  const first = contentType.split(',')[0] ?? ''
  return ['application/json', 'application/graphql+json'].some(
    (expected) => first === expected || first.startsWith(`${expected};`),
  )
}

/**
 * The body as text, read from the socket's stream without the web-stream adapters a Request
 * body goes through; `too-large` as soon as it declares or reaches more than `maxBytes`.
 */
export async function readNodeJsonBody(incoming: IncomingMessage, maxBytes: number): Promise<NodeJsonBody> {
  const declared = incoming.headers['content-length']
  if (declared !== undefined && !(Number(declared) <= maxBytes)) return { kind: 'too-large' }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) return { kind: 'too-large' }
    chunks.push(chunk)
  }
  return { kind: 'read', text: Buffer.concat(chunks, size).toString('utf8') }
}

/** The GraphQL parameters of a JSON body; a missing, broken or non-object body is a 400. */
export function parseGraphQLJsonBody(text: string): Record<string, unknown> {
  if (text === '') {
    throw new GraphQLError('POST body is missing.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } })
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    // 400 whatever the client accepts: the request is malformed before any GraphQL runs.
    throw new GraphQLError('POST body sent invalid JSON.', {
      extensions: {
        http: { status: 400 },
        code: 'BAD_REQUEST',
        originalError: error instanceof Error ? { name: error.name, message: error.message } : undefined,
      },
    })
  }
  if (body === null || typeof body !== 'object') {
    throw new GraphQLError(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`, {
      extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
    })
  }
  return body as Record<string, unknown>
}
