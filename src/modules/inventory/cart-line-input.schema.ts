import { z } from 'zod'
import { builder } from '../../graphql/builder.js'
import { Variant } from '../catalog/catalog.schema.js'

export const MAX_LINE_QUANTITY = 999

export const CartLineInput = builder.inputType('CartLineInput', {
  description: 'A variant and how many of it.',
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    quantity: t.int({ required: true, validate: z.number().int().min(1).max(MAX_LINE_QUANTITY) }),
  }),
})
