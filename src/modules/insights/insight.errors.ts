/** A manager asked for stores they do not manage; the resolver answers FORBIDDEN. */
export class InsightStoresForbiddenError extends Error {
  constructor(readonly storeIds: readonly string[]) {
    super('Managers see the insights of their own stores only.')
  }
}

/** A period the report cannot answer (bad dates, reversed, or longer than it allows). */
export class InsightPeriodError extends Error {}
