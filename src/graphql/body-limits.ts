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
 * Yoga's own limit is set to the upload size, for multipart requests (a file to import); every
 * other body keeps `maxBytes`, whether it declares its length or streams it.
 */
export function limitNonUploadBodies(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (isMultipartPost(request.method, request.headers.get('content-type'))) return
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
