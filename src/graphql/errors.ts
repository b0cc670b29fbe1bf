import { GraphQLError } from 'graphql'

export function notFound(typename: string, id: string): GraphQLError {
  return new GraphQLError(`No ${typename} with this ID.`, { extensions: { code: 'NOT_FOUND', typename, id } })
}

/** Input no retry could fix; the mutation changed nothing. */
export function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })
}
