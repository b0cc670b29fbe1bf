import { z } from 'zod'
import type { SelectedOption, VariantRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Money } from '../shared/money.schema.js'
import { Product, Variant } from './catalog.schema.js'
import { archiveVariant, createVariant, updateVariant } from './variant-admin.service.js'
import { currencyCodeInput, taxRateBasisPoints, variantDraftOf, variantFields } from './variant-input.schema.js'

const SelectedOptionRef = builder.objectRef<SelectedOption>('SelectedOption').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    value: t.exposeString('value'),
  }),
})

builder.objectFields(Variant, (t) => ({
  selectedOptions: t.field({
    type: [SelectedOptionRef],
    description: "Its value of each of the product's options, in the product's order.",
    resolve: (variant) => variant.selected_options,
  }),
  compareAtPrice: t.field({
    type: Money,
    nullable: true,
    description: 'The higher "was" price to show struck through, when there is one.',
    resolve: (variant) =>
      variant.compare_at_price_minor === null
        ? null
        : { amountMinor: variant.compare_at_price_minor, currencyCode: variant.currency_code },
  }),
  archivedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When it went off sale for good; past orders still show it.',
    resolve: (variant) => (variant.archived_at === null ? null : new Date(variant.archived_at)),
  }),
}))

const VariantCreateInput = builder.inputType('VariantCreateInput', {
  fields: (t) => ({
    productId: t.globalID({ required: true, for: Product }),
    ...variantFields(t, true),
    currencyCode: t.string({
      description: "The price's currency: that of the product's other variants (CURRENCY_MISMATCH otherwise).",
      validate: currencyCodeInput,
    }),
  }),
})

const VariantUpdateInput = builder.inputType('VariantUpdateInput', {
  description: 'Only the fields given change; barcode or compareAtPrice null removes it.',
  fields: (t) => ({
    variantId: t.globalID({ required: true, for: Variant }),
    ...variantFields(t, false),
    currencyCode: t.string({
      description: "The variant's own currency, if given: a price never changes currency.",
      validate: currencyCodeInput,
    }),
  }),
  validate: z
    .looseObject({})
    .refine(
      (input: Record<string, unknown>) =>
        input.barcode !== undefined ||
        input.compareAtPrice !== undefined ||
        ['sku', 'price', 'taxRate', 'selectedOptions'].some((key) => input[key] != null),
      'Give a field to change.',
    ),
})

const VariantArchiveInput = builder.inputType('VariantArchiveInput', {
  fields: (t) => ({ variantId: t.globalID({ required: true, for: Variant }) }),
})

const variantPayload = (name: string) =>
  builder.objectRef<Payload<{ variant: VariantRow }>>(name).implement({
    fields: (t) => ({
      variant: t.field({ type: Variant, nullable: true, resolve: (payload) => payload.variant ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

const trimmed = (selection: readonly { name: string; value: string }[]) =>
  selection.map((pick) => ({ name: pick.name.trim(), value: pick.value.trim() }))

builder.mutationFields((t) => ({
  variantCreate: t.field({
    type: variantPayload('VariantCreatePayload'),
    description: 'Admins: a new variant of a product, last in its order.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: VariantCreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        variant: await createVariant(
          context.db,
          auditAuthorOf(context),
          input.productId.id,
          variantDraftOf(input),
          input.currencyCode ?? null,
        ),
      })),
  }),
  variantUpdate: t.field({
    type: variantPayload('VariantUpdatePayload'),
    description: 'Admins: a variant on sale; `price` is its base price (overrides are set with the price mutations).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: VariantUpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        variant: await updateVariant(context.db, auditAuthorOf(context), input.variantId.id, {
          sku: input.sku ?? undefined,
          barcode: input.barcode,
          priceMinor: input.price ?? undefined,
          compareAtPriceMinor: input.compareAtPrice,
          taxRateBp: input.taxRate == null ? undefined : taxRateBasisPoints(input.taxRate),
          selectedOptions: input.selectedOptions ? trimmed(input.selectedOptions) : undefined,
          currencyCode: input.currencyCode ?? undefined,
        }),
      })),
  }),
  variantArchive: t.field({
    type: variantPayload('VariantArchivePayload'),
    description: 'Admins: takes one variant off sale for good; carts refuse it, past orders keep it.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: VariantArchiveInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        variant: await archiveVariant(context.db, auditAuthorOf(context), input.variantId.id),
      })),
  }),
}))
