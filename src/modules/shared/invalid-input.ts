/**
 * Input that no retry could fix, found by a service (it needed the database to tell): the mutation
 * changed nothing, and the API layer answers BAD_USER_INPUT, as for input refused by a validator.
 */
export class InvalidInputError extends Error {}
