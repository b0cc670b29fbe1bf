import SchemaBuilder from '@pothos/core'
import DataloaderPlugin from '@pothos/plugin-dataloader'
import RelayPlugin from '@pothos/plugin-relay'
import ScopeAuthPlugin from '@pothos/plugin-scope-auth'
import ValidationPlugin from '@pothos/plugin-validation'
import { GraphQLError, valueFromASTUntyped } from 'graphql'
import { canActOnStore, canManageStore } from '../auth/viewer.js'
import type { GraphQLContext } from './context.js'
import { decodeUuidGlobalID } from './global-id.js'
import { isUploadedFile, type UploadedFile } from './uploaded-file.js'

/** One page's worth: a larger batch of IDs is a scan, not a lookup. */
export const MAX_NODE_IDS = 100

export interface AuthScopes {
  /** Any signed-in staff member or admin, or a store's registered POS terminal. */
  staff: boolean
  admin: boolean
  /** A signed-in admin, or a manager of any store (who then acts only on their own stores). */
  manager: boolean
  /** A signed-in customer. */
  customer: boolean
  /** Staff of this store (by raw store id), or an admin. */
  staffOfStore: string
  /** A manager of this store (by raw store id), or an admin. */
  managerOfStore: string
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext
  AuthScopes: AuthScopes
  DefaultFieldNullability: false
  DefaultEdgesNullability: false
  DefaultNodeNullability: false
  Scalars: {
    DateTime: { Input: Date; Output: Date | string }
    ID: { Input: string; Output: string }
    JSON: { Input: unknown; Output: unknown }
    Upload: { Input: UploadedFile; Output: never }
  }
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    decodeGlobalID: decodeUuidGlobalID,
    nodesQueryOptions: {
      description: `The objects with these IDs, in order (null where none is visible); at most ${MAX_NODE_IDS} IDs.`,
      resolve: (_root, args, _context, _info, resolveNodes) => {
        if (args.ids.length > MAX_NODE_IDS) {
          throw new GraphQLError(`nodes takes at most ${MAX_NODE_IDS} IDs; got ${args.ids.length}.`, {
            extensions: { code: 'BAD_USER_INPUT' },
          })
        }
        return resolveNodes(args.ids)
      },
    },
  },
  scopeAuth: {
    // A stream is refused when it starts, not accepted and left to fail on each event.
    authorizeOnSubscribe: true,
    authScopes: async (context) => ({
      staff: context.viewer.kind === 'staff' || context.viewer.kind === 'terminal',
      admin: context.viewer.kind === 'staff' && context.viewer.role === 'ADMIN',
      manager: context.viewer.kind === 'staff' && context.viewer.role !== 'ASSOCIATE',
      customer: context.viewer.kind === 'customer',
      staffOfStore: (storeId) => canActOnStore(context.viewer, storeId),
      managerOfStore: (storeId) => canManageStore(context.viewer, storeId),
    }),
    unauthorizedError: (_parent, context) =>
      context.viewer.kind === 'anonymous'
        ? new GraphQLError('Sign in to do this.', { extensions: { code: 'UNAUTHENTICATED' } })
        : new GraphQLError('You are not allowed to do this.', { extensions: { code: 'FORBIDDEN' } }),
  },
  validation: {
    validationError: (result) =>
      new GraphQLError(result.issues.map((issue) => issue.message).join('; '), {
        extensions: {
          code: 'BAD_USER_INPUT',
          fields: result.issues.map((issue) => issue.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.')),
        },
      }),
  },
})

builder.scalarType('DateTime', {
  description: 'An instant in UTC, as an ISO-8601 string.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN)
    if (Number.isNaN(date.getTime())) {
      throw new GraphQLError('DateTime must be an ISO-8601 string.', { extensions: { code: 'BAD_USER_INPUT' } })
    }
    return date
  },
})

builder.scalarType('JSON', {
  description: 'Any JSON value: a document whose shape its field describes.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => valueFromASTUntyped(ast),
})

builder.scalarType('Upload', {
  description: 'A file sent with the request as the GraphQL multipart request spec describes.',
  serialize: () => {
    throw new GraphQLError('Upload is an input only.')
  },
  parseValue: (value) => {
    if (isUploadedFile(value)) return value
    throw new GraphQLError('Send the file as a multipart request (GraphQL multipart request spec).', {
      extensions: { code: 'BAD_USER_INPUT' },
    })
  },
})

builder.queryType({})
builder.mutationType({})
builder.subscriptionType({})
