import { z } from 'zod'
import type { ProductImage, ProductOption, ProductRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Category, Product } from './catalog.schema.js'
import { IMAGE_URL_MAX, isImageUrl, MAX_IMAGES, MAX_VARIANTS } from './catalog-rules.js'
import { archiveProduct, createProduct, updateProduct } from './product-admin.service.js'
import { currencyCodeInput, textInput, variantDraftOf, variantFields } from './variant-input.schema.js'

const ProductOptionRef = builder.objectRef<ProductOption>('ProductOption').implement({
  description: 'An option its variants differ by, e.g. Size with S, M, L.',
  fields: (t) => ({
    name: t.exposeString('name'),
    values: t.exposeStringList('values'),
  }),
})

const ProductImageRef = builder.objectRef<ProductImage>('ProductImage').implement({
  fields: (t) => ({
    url: t.exposeString('url'),
    alt: t.exposeString('alt', { nullable: true }),
  }),
})

builder.objectFields(Product, (t) => ({
  options: t.field({ type: [ProductOptionRef], resolve: (product) => product.options }),
  images: t.field({ type: [ProductImageRef], description: 'In display order.', resolve: (product) => product.images }),
  archivedAt: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When it left the storefront for good; past orders still show it.',
    resolve: (product) => (product.archived_at === null ? null : new Date(product.archived_at)),
  }),
}))

const ProductOptionInput = builder.inputType('ProductOptionInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: textInput(100) }),
    values: t.stringList({ required: true, validate: z.array(textInput(100)).max(1000) }),
  }),
})

const ProductImageInput = builder.inputType('ProductImageInput', {
  fields: (t) => ({
    url: t.string({
      required: true,
      validate: textInput(IMAGE_URL_MAX).refine(
        isImageUrl,
        'An image url is an absolute http(s) URL of at most 2048 characters.',
      ),
    }),
    alt: t.string({ description: 'Text for screen readers.', validate: textInput(500) }),
  }),
})

const ProductVariantInput = builder.inputType('ProductVariantInput', {
  fields: (t) => variantFields(t, true),
})

const titleInput = textInput(255, { trimmedMin: 1 })
const descriptionInput = textInput(20_000)
const slugInput = textInput(500)
const optionsInput = z.array(z.unknown()).max(20)
const imagesInput = z.array(z.unknown()).max(MAX_IMAGES, `At most ${MAX_IMAGES} images.`)

const ProductCreateInput = builder.inputType('ProductCreateInput', {
  fields: (t) => ({
    title: t.string({ required: true, validate: titleInput }),
    slug: t.string({
      required: true,
      description: 'Its address on the storefront: a-z, 0-9, hyphens.',
      validate: slugInput,
    }),
    description: t.string({ validate: descriptionInput }),
    categoryId: t.globalID({ for: Category }),
    options: t.field({ type: [ProductOptionInput], validate: optionsInput }),
    images: t.field({ type: [ProductImageInput], validate: imagesInput }),
    variants: t.field({
      type: [ProductVariantInput],
      required: true,
      validate: z.array(z.unknown()).min(1, 'A product needs a variant.').max(MAX_VARIANTS),
    }),
    currencyCode: t.string({
      description: "The prices' currency; by default the catalog's. Another is refused (CURRENCY_MISMATCH).",
      validate: currencyCodeInput,
    }),
  }),
})

const ProductUpdateInput = builder.inputType('ProductUpdateInput', {
  description: 'Only the fields given change; categoryId null takes the product out of its category.',
  fields: (t) => ({
    productId: t.globalID({ required: true, for: Product }),
    title: t.string({ validate: titleInput }),
    slug: t.string({ validate: slugInput }),
    description: t.string({ validate: descriptionInput }),
    categoryId: t.globalID({ for: Category }),
    options: t.field({
      type: [ProductOptionInput],
      description: 'Must still fit every variant on sale (INVALID_OPTIONS names the one it would not).',
      validate: optionsInput,
    }),
    images: t.field({ type: [ProductImageInput], description: 'Replaces the list, in order.', validate: imagesInput }),
  }),
  validate: z
    .looseObject({})
    .refine(
      (input: Record<string, unknown>) =>
        input.categoryId !== undefined ||
        ['title', 'slug', 'description', 'options', 'images'].some((key) => input[key] != null),
      'Give a field to change.',
    ),
})

const ProductArchiveInput = builder.inputType('ProductArchiveInput', {
  fields: (t) => ({ productId: t.globalID({ required: true, for: Product }) }),
})

const productPayload = (name: string) =>
  builder.objectRef<Payload<{ product: ProductRow }>>(name).implement({
    fields: (t) => ({
      product: t.field({ type: Product, nullable: true, resolve: (payload) => payload.product ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

const options = (list: readonly { name: string; values: string[] }[]): ProductOption[] =>
  list.map((option) => ({ name: option.name.trim(), values: option.values.map((value) => value.trim()) }))
const images = (list: readonly { url: string; alt?: string | null }[]): ProductImage[] =>
  list.map((image) => ({ url: image.url, alt: image.alt ?? null }))

builder.mutationFields((t) => ({
  productCreate: t.field({
    type: productPayload('ProductCreatePayload'),
    description: 'Admins: a product with its options, images and variants, all or nothing.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: ProductCreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        product: await createProduct(
          context.db,
          auditAuthorOf(context),
          {
            title: input.title.trim(),
            slug: input.slug,
            description: input.description ?? '',
            categoryId: input.categoryId?.id ?? null,
            options: options(input.options ?? []),
            images: images(input.images ?? []),
            variants: input.variants.map(variantDraftOf),
          },
          input.currencyCode ?? null,
        ),
      })),
  }),
  productUpdate: t.field({
    type: productPayload('ProductUpdatePayload'),
    description: "Admins: a product's own fields; its variants change through variantUpdate.",
    authScopes: { admin: true },
    args: { input: t.arg({ type: ProductUpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        product: await updateProduct(context.db, auditAuthorOf(context), input.productId.id, {
          title: input.title?.trim() ?? undefined,
          slug: input.slug ?? undefined,
          description: input.description ?? undefined,
          categoryId: input.categoryId === undefined ? undefined : (input.categoryId?.id ?? null),
          options: input.options ? options(input.options) : undefined,
          images: input.images ? images(input.images) : undefined,
        }),
      })),
  }),
  productArchive: t.field({
    type: productPayload('ProductArchivePayload'),
    description:
      'Admins: takes a product and its variants off the storefront for good; past orders keep it. Archiving twice changes nothing.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: ProductArchiveInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        product: await archiveProduct(context.db, auditAuthorOf(context), input.productId.id),
      })),
  }),
}))
