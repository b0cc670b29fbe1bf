import { GraphQLError } from 'graphql'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { maskError } from './error-masking.js'

const logger = pino({ level: 'silent' })

/** How graphql-js hands a resolver's error to the mask: located at a path, the original inside. */
function fromResolver(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['orderCollect'], originalError: original })
}

function masked(error: unknown) {
  const result = maskError(error, logger)
  return { message: result.message, code: result.extensions.code }
}

const INTERNAL = { message: 'Unexpected error.', code: 'INTERNAL' }

describe('maskError', () => {
  it('passes a GraphQL error we gave a code through, message included', () => {
    const ours = new GraphQLError('No Order with this ID.', { extensions: { code: 'NOT_FOUND' } })
    expect(masked(fromResolver(ours))).toEqual({ message: 'No Order with this ID.', code: 'NOT_FOUND' })
    expect(masked(ours)).toEqual({ message: 'No Order with this ID.', code: 'NOT_FOUND' })
  })

  it('masks a plain Error that carries extensions.code, thrown in a resolver or outside one', () => {
    const impostor = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432 as admin'), {
      extensions: { code: 'FORBIDDEN' },
    })
    expect(masked(fromResolver(impostor))).toEqual(INTERNAL)
    expect(masked(impostor)).toEqual(INTERNAL)
  })

  it('masks a PostgreSQL error: its SQLSTATE code is not one of ours and its message names the schema', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "order_return_line_pkey"'), {
      name: 'error',
      code: '23505',
      detail: 'Key (return_id, line_number)=(…) already exists.',
    })
    expect(masked(fromResolver(pg))).toEqual(INTERNAL)
    expect(masked(pg)).toEqual(INTERNAL)
  })

  it('reports lock and serialisation failures as a retryable CONFLICT, without their text', () => {
    const busy = Object.assign(new Error('canceling statement due to lock timeout on relation "inventory_level"'), {
      code: '55P03',
    })
    expect(masked(fromResolver(busy))).toEqual({ message: 'The data is busy; retry the request.', code: 'CONFLICT' })
  })

  it('labels an error about the document itself GRAPHQL_VALIDATION_FAILED, but not a stray Error without a path', () => {
    const validation = new GraphQLError('Cannot query field "x" on type "Query".')
    expect(masked(validation)).toEqual({ message: validation.message, code: 'GRAPHQL_VALIDATION_FAILED' })
    expect(masked(new Error('getaddrinfo ENOTFOUND db.internal'))).toEqual(INTERNAL)
  })
})
