import { resolveCursorConnection } from '@pothos/plugin-relay'
import { z } from 'zod'
import type { CategoryRow, ProductRow, VariantRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import * as catalog from './catalog.service.js'

export const Category = builder.loadableNode('Category', {
  id: { resolve: (category: CategoryRow) => category.id },
  load: (ids: string[], context) => catalog.findCategoriesByIds(context.db, ids),
  sort: (category) => category.id,
  fields: (t) => ({
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
  }),
})

export const Product = builder.loadableNodeRef('Product', {
  id: { resolve: (product: ProductRow) => product.id },
  load: (ids: string[], context) => catalog.findProductsByIds(context.db, ids),
  sort: (product) => product.id,
})

export const Variant = builder.loadableNodeRef('Variant', {
  id: { resolve: (variant: VariantRow) => variant.id },
  load: (ids: string[], context) => catalog.findVariantsByIds(context.db, ids),
  sort: (variant) => variant.id,
})

Product.implement({
  fields: (t) => ({
    slug: t.exposeString('slug'),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    category: t.field({
      type: Category,
      nullable: true,
      resolve: (product) => product.category_id,
    }),
    variants: t.loadableList({
      type: Variant,
      description: 'The variants on sale, in display order.',
      load: async (productIds: string[], context) => {
        const variants = await catalog.findActiveVariantsByProductIds(context.db, productIds)
        return productIds.map((id) => variants.filter((variant) => variant.product_id === id))
      },
      resolve: (product) => product.id,
    }),
  }),
})

Variant.implement({
  fields: (t) => ({
    sku: t.exposeString('sku'),
    barcode: t.exposeString('barcode', { nullable: true }),
    title: t.exposeString('title'),
    product: t.field({ type: Product, resolve: (variant) => variant.product_id }),
    taxRate: t.float({
      description: 'VAT rate as a fraction, e.g. 0.2 for 20%.',
      resolve: (variant) => variant.tax_rate_bp / 10_000,
    }),
  }),
})

const MAX_PAGE = 100

builder.queryFields((t) => ({
  products: t.connection({
    type: Product,
    description:
      'Active products in slug order; `query` matches title or SKU, case-insensitively; `categoryId` includes its sub-categories.',
    args: {
      query: t.arg.string({ validate: z.string().trim().max(100) }),
      categoryId: t.arg.globalID({ for: Category }),
    },
    validate: z.looseObject({
      first: z.number().int().min(0).max(MAX_PAGE).nullish(),
      last: z.number().int().min(0).max(MAX_PAGE).nullish(),
    }),
    resolve: (_root, args, context) =>
      resolveCursorConnection<Promise<ProductRow[]>>(
        { args, toCursor: (product: ProductRow) => product.slug, defaultSize: 20, maxSize: MAX_PAGE },
        async ({ before, after, limit, inverted }) => {
          const rows = await catalog.findProductsPage(context.db, {
            search: args.query?.trim() || null,
            categoryId: args.categoryId?.id ?? null,
            afterSlug: after ?? null,
            beforeSlug: before ?? null,
            limit,
            descending: inverted,
          })
          return rows
        },
      ),
  }),
  product: t.field({
    type: Product,
    nullable: true,
    description: 'A product by id or by slug (exactly one).',
    args: { id: t.arg.globalID({ for: Product }), slug: t.arg.string() },
    validate: z
      .looseObject({ id: z.unknown().nullish(), slug: z.string().nullish() })
      .refine((args) => (args.id == null) !== (args.slug == null), { message: 'Give exactly one of id or slug.' }),
    resolve: async (_root, args, context) => {
      if (args.id) return args.id.id
      const product = await catalog.findProductBySlug(context.db, args.slug ?? '')
      return product ?? null
    },
  }),
  categories: t.field({
    type: [Category],
    resolve: (_root, _args, context) => catalog.findAllCategories(context.db),
  }),
}))
