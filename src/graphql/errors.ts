import { GraphQLError } from 'graphql'

export function notFound(typename: string, id: string): GraphQLError {
  return new GraphQLError(`No ${typename} with this ID.`, { extensions: { code: 'NOT_FOUND', typename, id } })
}
