import { BusinessError, type UserErrorEntry } from '../modules/shared/business-error.js'
import { InvalidInputError } from '../modules/shared/invalid-input.js'
import { NotFoundError } from '../modules/shared/not-found.js'
import { USER_ERROR_CODES } from '../modules/shared/user-error-codes.js'
import { builder } from './builder.js'
import { badUserInput, notFound } from './errors.js'

const UserErrorCodeEnum = builder.enumType('UserErrorCode', { values: USER_ERROR_CODES })

export const UserError = builder.objectRef<UserErrorEntry>('UserError').implement({
  description: 'An expected business failure: the mutation changed nothing.',
  fields: (t) => ({
    code: t.field({ type: UserErrorCodeEnum, resolve: (error) => error.code }),
    field: t.exposeStringList('field', { nullable: true }),
    message: t.exposeString('message'),
  }),
})

/** A mutation payload: either what it changed, or why it changed nothing. */
export type Payload<T> = Partial<T> & { userErrors: UserErrorEntry[] }

/**
 * Runs a mutation's work; a BusinessError becomes the payload's userErrors, a NotFoundError or
 * InvalidInputError the NOT_FOUND or BAD_USER_INPUT error, anything else throws.
 */
export async function withUserErrors<T extends object>(work: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { ...(await work()), userErrors: [] }
  } catch (error) {
    if (error instanceof BusinessError) return { userErrors: error.userErrors() } as Payload<T>
    if (error instanceof NotFoundError) throw notFound(error.typename, error.id)
    if (error instanceof InvalidInputError) throw badUserInput(error.message)
    throw error
  }
}
