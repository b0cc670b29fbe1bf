import { GraphQLError } from 'graphql'
import type { Logger } from 'pino'

/** PostgreSQL codes that mean "someone else holds what you need": safe to retry. */
const RETRYABLE_SQLSTATES = new Set(['55P03', '40001', '40P01'])

interface ErrorLike {
  message: string
  name?: string
  code?: unknown
  extensions?: Record<string, unknown>
  originalError?: unknown
}

/**
 * The only shape errors leave the server in: a message meant for clients and an
 * extensions.code. Stacks and SQL never leave; unexpected failures are logged with the request.
 *
 * Errors are recognised by shape rather than instanceof: graphql ships both ESM and CJS builds,
 * and an error made by one is not an instance of the other's class.
 */
export function maskError(error: unknown, logger: Logger): GraphQLError {
  if (!isErrorLike(error)) return internalError(error, logger)
  const located = error as GraphQLError
  const original = innermostError(error)
  if (original === error && codeOf(error)) {
    // Errors about the request itself (body too large, not JSON) keep the HTTP status yoga gave them.
    const http = error.extensions?.http
    return withCode(located, codeOf(error) as string, located.message, http ? { http } : {})
  }
  if (original === error && !located.path) {
    // Parse and validation errors (including depth, cost and alias limits) concern the document.
    return withCode(located, 'GRAPHQL_VALIDATION_FAILED')
  }
  // An execution error made without a cause (e.g. a null in a non-null field) is still a fault
  // of ours: it falls through to INTERNAL below.
  const code = isErrorLike(original) ? codeOf(original) : undefined
  if (code && isErrorLike(original)) return withCode(located, code, original.message, original.extensions)
  if (isErrorLike(original) && original.name === 'PothosValidationError') {
    return withCode(located, 'BAD_USER_INPUT', original.message)
  }
  const sqlState = isErrorLike(original) ? original.code : undefined
  if (typeof sqlState === 'string' && RETRYABLE_SQLSTATES.has(sqlState)) {
    logger.warn({ sqlState, path: located.path }, 'conflict reported to client as retryable')
    return withCode(located, 'CONFLICT', 'The data is busy; retry the request.', { retryable: true })
  }
  return internalError(original, logger, located)
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string'
}

function codeOf(error: ErrorLike): string | undefined {
  const code = error.extensions?.code
  return typeof code === 'string' ? code : undefined
}

/** graphql-js and yoga wrap a resolver's error once or twice; the decision is about the innermost. */
function innermostError(error: ErrorLike): unknown {
  let current: unknown = error
  while (isErrorLike(current) && current.originalError) current = current.originalError
  return current
}

function withCode(
  error: GraphQLError,
  code: string,
  message = error.message,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    positions: error.positions,
    path: error.path,
    extensions: { ...extensions, code },
  })
}

function internalError(original: unknown, logger: Logger, error?: GraphQLError): GraphQLError {
  logger.error({ err: original, path: error?.path }, 'unexpected error in GraphQL execution')
  return new GraphQLError('Unexpected error.', {
    nodes: error?.nodes,
    positions: error?.positions,
    path: error?.path,
    extensions: { code: 'INTERNAL' },
  })
}
