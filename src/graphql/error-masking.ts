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
 * extensions.code. Only GraphQL errors we (or yoga, or the validation plugin) made keep their
 * message; anything else, even an Error dressed with an extensions.code or a pg error with its
 * SQLSTATE `code`, becomes INTERNAL and is logged with the request. Stacks and SQL never leave.
 *
 * Errors are recognised by shape rather than instanceof: graphql ships both ESM and CJS builds,
 * and an error made by one is not an instance of the other's class.
 */
export function maskError(error: unknown, logger: Logger): GraphQLError {
  if (!isGraphQLError(error)) return maskUnexpected(error, logger)
  const original = innermostError(error)
  if (original === error) {
    // Errors about the request itself (body too large, not JSON) keep the HTTP status yoga gave them.
    const code = codeOf(error)
    const http = error.extensions?.http
    if (code) return withCode(error, code, error.message, http ? { http } : {})
    // Parse and validation errors (including depth, cost and alias limits) concern the document;
    // an execution error made without a cause (a null in a non-null field) is a fault of ours.
    return error.path ? internalError(error, logger, error) : withCode(error, 'GRAPHQL_VALIDATION_FAILED')
  }
  const code = isGraphQLError(original) ? codeOf(original) : undefined
  if (code && isGraphQLError(original)) return withCode(error, code, original.message, original.extensions)
  if (isErrorLike(original) && original.name === 'PothosValidationError') {
    return withCode(error, 'BAD_USER_INPUT', original.message)
  }
  return maskUnexpected(original, logger, error)
}

/** What no one meant for the client: a retryable database conflict, or INTERNAL. */
function maskUnexpected(original: unknown, logger: Logger, located?: GraphQLError): GraphQLError {
  const sqlState = isErrorLike(original) ? original.code : undefined
  if (typeof sqlState === 'string' && RETRYABLE_SQLSTATES.has(sqlState)) {
    logger.warn({ sqlState, path: located?.path }, 'conflict reported to client as retryable')
    const conflict = new GraphQLError('The data is busy; retry the request.', {
      nodes: located?.nodes,
      positions: located?.positions,
      path: located?.path,
    })
    return withCode(conflict, 'CONFLICT', conflict.message, { retryable: true })
  }
  return internalError(original, logger, located)
}

/** A GraphQLError of either graphql build (see above): its own class tag, not a look-alike's fields. */
function isGraphQLError(value: unknown): value is GraphQLError {
  return isErrorLike(value) && Object.prototype.toString.call(value) === '[object GraphQLError]'
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
