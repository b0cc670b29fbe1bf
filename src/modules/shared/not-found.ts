/**
 * What the caller named does not exist, or is not theirs to know about. Not a business outcome
 * (a userError) but an answer about the input: the API layer turns it into a NOT_FOUND error.
 */
export class NotFoundError extends Error {
  constructor(
    readonly typename: string,
    readonly id: string,
  ) {
    super(`No ${typename} with this ID.`)
  }
}
