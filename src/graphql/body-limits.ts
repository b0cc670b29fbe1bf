import { GraphQLError } from 'graphql'
import type { Plugin } from 'graphql-yoga'

function tooLarge(): GraphQLError {
  return new GraphQLError('Request body too large', {
    extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  })
}

export function isMultipartPost(method: string, contentType: string | null): boolean {
  return method === 'POST' && (contentType ?? '').toLowerCase().startsWith('multipart/form-data')
}

/**
 * A multipart request (a file to import) may be up to `maxUploadBytes`; every other body keeps
 * `maxBodyBytes`, whether it declares its length or streams it. Yoga's own limit is the larger.
 */
export function limitBodies(limits: { maxBodyBytes: number; maxUploadBytes: number }): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const upload = isMultipartPost(request.method, request.headers.get('content-type'))
      const maxBytes = upload ? limits.maxUploadBytes : limits.maxBodyBytes
      const declared = request.headers.get('content-length')
      if (declared !== null && Number(declared) > maxBytes) throw tooLarge()
      if (!requestParser || !request.body) return
      setRequestParser((original) => {
        let size = 0
        const limited = original.body?.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              size += chunk.byteLength
              if (size > maxBytes) controller.error(tooLarge())
              else controller.enqueue(chunk)
            },
          }),
        )
        return requestParser(
          new fetchAPI.Request(original.url, {
            method: original.method,
            headers: original.headers,
            body: limited,
            duplex: 'half',
          } as RequestInit),
        )
      })
    },
  }
}
