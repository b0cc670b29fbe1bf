import { fixedBusinessError } from '../shared/business-error.js'

/** A card reader stands in one store: pairing it with a till elsewhere would take that store's cards. */
export class ReaderOfAnotherStoreError extends fixedBusinessError(
  'READER_OF_ANOTHER_STORE',
  ['readerId'],
  'This card reader is paired with a terminal of another store.',
) {}
