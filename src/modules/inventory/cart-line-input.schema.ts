import { builder } from '../../graphql/builder.js'
import { quantityInput } from '../../graphql/input-validation.js'
import { Variant } from '../catalog/catalog.schema.js'

export const CartLineInput = builder.inputType('CartLineInput', {
  description: 'A variant and how many of it.',
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    quantity: t.int({ required: true, validate: quantityInput }),
  }),
})
