import { z } from 'zod'
import type { SessionSubject } from '../../auth/access-token.js'
import { builder } from '../../graphql/builder.js'
import type { GraphQLContext } from '../../graphql/context.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { InvalidRefreshTokenError } from './session.errors.js'
import { endSession, endSessionOfRefreshToken, refreshSession, type SessionTokens } from './session.service.js'

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never

/** The token fields every payload that signs someone in answers with. */
export function sessionTokenFields<P extends Payload<SessionTokens>>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, P>,
) {
  return {
    accessToken: t.string({
      nullable: true,
      description: 'Send as `Authorization: Bearer <accessToken>`. Short-lived: renew it with `tokenRefresh`.',
      resolve: (payload) => payload.accessToken ?? null,
    }),
    accessTokenExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (payload) => payload.accessTokenExpiresAt ?? null,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      deprecationReason: 'Use accessTokenExpiresAt.',
      resolve: (payload) => payload.accessTokenExpiresAt ?? null,
    }),
    refreshToken: t.string({
      nullable: true,
      description:
        'Keep it secret; trade it once with `tokenRefresh` for a new pair. Presenting it twice ends the session.',
      resolve: (payload) => payload.refreshToken ?? null,
    }),
    refreshTokenExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (payload) => payload.refreshTokenExpiresAt ?? null,
    }),
  }
}

const refreshTokenArg = z.string().max(200)

const TokenRefreshInput = builder.inputType('TokenRefreshInput', {
  fields: (t) => ({ refreshToken: t.string({ required: true, validate: refreshTokenArg }) }),
})

const TokenRefreshPayload = builder.objectRef<Payload<SessionTokens>>('TokenRefreshPayload').implement({
  fields: (t) => ({
    ...sessionTokenFields(t),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

// Each sign-out has its own input and payload type, as every mutation does (API conventions).
const signOutInput = (name: string) =>
  builder.inputType(name, {
    fields: (t) => ({
      refreshToken: t.string({
        description: "The session's refresh token; when omitted, the session of the access token sent.",
        validate: refreshTokenArg,
      }),
    }),
  })

const signOutPayload = (name: string) =>
  builder.objectRef<Payload<{ signedOut: boolean }>>(name).implement({
    fields: (t) => ({
      signedOut: t.boolean({ resolve: (payload) => payload.signedOut ?? false }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

/** Ends the session named by the refresh token, or else by the caller's own access token. */
async function signOut(context: GraphQLContext, kind: SessionSubject['kind'], refreshToken: string | null | undefined) {
  if (refreshToken) return endSessionOfRefreshToken(context.db, refreshToken, kind)
  const credential = context.credential
  if (credential.kind !== 'access-token' || credential.claims.subject.kind !== kind)
    throw new InvalidRefreshTokenError()
  return endSession(context.db, credential.claims.sessionId)
}

builder.mutationFields((t) => ({
  tokenRefresh: t.field({
    type: TokenRefreshPayload,
    description: 'A new access token and refresh token for a live refresh token, which is retired.',
    args: { input: t.arg({ type: TokenRefreshInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const { viewer, ...tokens } = await refreshSession(context.db, context.accessTokens, input.refreshToken)
        context.viewer = viewer
        return tokens
      }),
  }),
  staffSignOut: t.field({
    type: signOutPayload('StaffSignOutPayload'),
    description: 'Ends the session: its access and refresh tokens are refused from the next request on.',
    args: { input: t.arg({ type: signOutInput('StaffSignOutInput'), required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        await signOut(context, 'staff', input.refreshToken)
        return { signedOut: true }
      }),
  }),
  customerSignOut: t.field({
    type: signOutPayload('CustomerSignOutPayload'),
    description: 'Ends the session: its access and refresh tokens are refused from the next request on.',
    args: { input: t.arg({ type: signOutInput('CustomerSignOutInput'), required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        await signOut(context, 'customer', input.refreshToken)
        return { signedOut: true }
      }),
  }),
}))
