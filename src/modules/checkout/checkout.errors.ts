import { fixedBusinessError } from '../shared/business-error.js'

export const PickupChoiceConflictError = fixedBusinessError(
  'PICKUP_CHOICE_CONFLICT',
  ['pickupSlotStart'],
  'Give either a pickup slot or pickupAsap: true, exactly one of them.',
)
