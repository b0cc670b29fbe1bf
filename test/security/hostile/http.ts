import { request as httpRequest } from 'node:http'
import { at } from './json.js'

/** Who a request claims to be: a bearer token, a cart token, and the client address it comes from. */
export interface Caller {
  token?: string
  cartToken?: string
  /** Sent as X-Forwarded-For; only meaningful when the server trusts the proxy it comes through. */
  address?: string
  /** Sent as X-Kiosk-Key: the caller is that kiosk. */
  kioskKey?: string
}

export interface GraphQLErrorShape {
  message: string
  code: string | undefined
}

export interface GraphQLAnswer {
  status: number
  headers: Headers
  data: unknown
  errors: GraphQLErrorShape[]
  /** The raw text, for reports when the body is not the JSON it should be. */
  text: string
}

export type StreamMessage = { kind: 'event'; payload: unknown } | { kind: 'end' } | { kind: 'timeout' }

export interface EventStream {
  status: number
  contentType: string
  /** The next message of the stream, its end, or `timeout` when nothing came within `ms`. */
  next(ms: number): Promise<StreamMessage>
  close(): void
}

/** Plain HTTP against one server, as any client on the internet could send it. */
export class HostileHttp {
  private nextAddress = 1

  constructor(
    readonly baseUrl: string,
    /** The server trusts X-Forwarded-For from us, so each probe can speak from its own address. */
    readonly forwardedFor: boolean,
  ) {}

  /** A client address no other probe uses (TEST-NET-3 and beyond: never a real client). */
  newAddress(): string {
    const n = this.nextAddress++
    return `198.51.${(n >> 8) & 255}.${n & 255}`
  }

  url(path: string): string {
    return new URL(path, this.baseUrl).toString()
  }

  headersOf(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra }
    if (caller.token) headers.authorization = `Bearer ${caller.token}`
    if (caller.cartToken) headers['x-cart-token'] = caller.cartToken
    if (caller.kioskKey) headers['x-kiosk-key'] = caller.kioskKey
    if (caller.address && this.forwardedFor) headers['x-forwarded-for'] = caller.address
    return headers
  }

  async gql(query: string, variables: Record<string, unknown> = {}, caller: Caller = {}): Promise<GraphQLAnswer> {
    const response = await fetch(this.url('/graphql'), {
      method: 'POST',
      headers: this.headersOf(caller, { 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify({ query, variables }),
    })
    return answerOf(response)
  }

  async subscribe(query: string, variables: Record<string, unknown>, caller: Caller = {}): Promise<EventStream> {
    const abort = new AbortController()
    const response = await fetch(this.url('/graphql'), {
      method: 'POST',
      headers: this.headersOf(caller, { 'content-type': 'application/json', accept: 'text/event-stream' }),
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    })
    return eventStreamOf(response, abort)
  }

  /**
   * A POST that declares `declaredBytes` but sends only the first `sentBytes`: a server that
   * refuses an oversized body answers at once; one that reads it first waits for the rest.
   */
  postDeclaringMore(
    path: string,
    declaredBytes: number,
    sentBytes: number,
    waitMs: number,
  ): Promise<{ status: number } | { status: 'no answer' }> {
    const target = new URL(path, this.baseUrl)
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': declaredBytes },
        },
        (res) => {
          res.resume()
          clearTimeout(timer)
          req.destroy()
          resolve({ status: res.statusCode ?? 0 })
        },
      )
      const timer = setTimeout(() => {
        req.destroy()
        resolve({ status: 'no answer' })
      }, waitMs)
      req.on('error', () => {})
      req.write(Buffer.alloc(sentBytes, 0x20))
    })
  }
}

async function answerOf(response: Response): Promise<GraphQLAnswer> {
  const text = await response.text()
  let body: unknown = null
  try {
    body = JSON.parse(text)
  } catch {
    body = null
  }
  const rawErrors = at(body, 'errors')
  const errors = Array.isArray(rawErrors)
    ? rawErrors.map((error) => ({
        message: String(at(error, 'message') ?? ''),
        code: typeof at(error, 'extensions', 'code') === 'string' ? String(at(error, 'extensions', 'code')) : undefined,
      }))
    : []
  return { status: response.status, headers: response.headers, data: at(body, 'data'), errors, text }
}

function eventStreamOf(response: Response, abort: AbortController): EventStream {
  const contentType = response.headers.get('content-type') ?? ''
  const reader = response.body?.getReader()
  const decoder = new TextDecoder()
  const queued: unknown[] = []
  let buffer = ''
  let ended = !reader || !contentType.includes('text/event-stream')
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null

  function takeBlocks(): void {
    let boundary = buffer.indexOf('\n\n')
    while (boundary >= 0) {
      const block = buffer.slice(0, boundary)
      buffer = buffer.slice(boundary + 2)
      const lines = block.split('\n')
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n')
      if (lines.some((line) => line.trim() === 'event: complete')) ended = true
      else if (data) queued.push(JSON.parse(data))
      boundary = buffer.indexOf('\n\n')
    }
  }

  async function next(ms: number): Promise<StreamMessage> {
    const deadline = Date.now() + ms
    while (queued.length === 0) {
      if (ended || !reader) return { kind: 'end' }
      const remaining = deadline - Date.now()
      if (remaining <= 0) return { kind: 'timeout' }
      pending ??= reader.read()
      let timer: NodeJS.Timeout | undefined
      const chunk = await Promise.race([
        pending,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), remaining)
        }),
      ]).catch(() => ({ done: true, value: undefined }) as const)
      clearTimeout(timer)
      if (chunk === 'timeout') return { kind: 'timeout' }
      pending = null
      if (chunk.done) ended = true
      else buffer += decoder.decode(chunk.value, { stream: true }).replaceAll('\r\n', '\n')
      takeBlocks()
    }
    return { kind: 'event', payload: queued.shift() }
  }

  return { status: response.status, contentType, next, close: () => abort.abort() }
}

/** Errors the server should never give a client, whatever it sends: its own faults. */
export function internalFaultsOf(answer: GraphQLAnswer): string[] {
  const faults = answer.errors
    .filter((error) => error.code === 'INTERNAL' || error.code === 'INTERNAL_SERVER_ERROR')
    .map((error) => `${error.code ?? 'no code'}: ${error.message}`)
  if (answer.status >= 500) faults.unshift(`HTTP ${answer.status}`)
  return faults
}

/** The userErrors codes of one mutation's payload. */
export function userErrorCodesOf(answer: GraphQLAnswer, mutation: string): string[] {
  const userErrors = at(answer.data, mutation, 'userErrors')
  return Array.isArray(userErrors) ? userErrors.map((error) => String(at(error, 'code'))) : []
}
