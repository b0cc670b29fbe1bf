import { z } from 'zod'
import type { CategoryRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Category } from './catalog.schema.js'
import { createCategory, findChildrenOf, updateCategory } from './category.service.js'
import { textInput } from './variant-input.schema.js'

builder.objectFields(Category, (t) => ({
  parent: t.field({
    type: Category,
    nullable: true,
    resolve: (category) => category.parent_id,
  }),
  children: t.loadableList({
    type: Category,
    description: 'The sub-categories, in their order.',
    load: (parentIds: string[], context) => findChildrenOf(context.db, parentIds),
    resolve: (category) => category.id,
  }),
}))

const nameInput = textInput(120, { trimmedMin: 1 })
const slugInput = textInput(500)

const CategoryCreateInput = builder.inputType('CategoryCreateInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: nameInput }),
    slug: t.string({ description: 'By default made from the name.', validate: slugInput }),
    parentId: t.globalID({ for: Category, description: 'The category it sits under; none for the top level.' }),
  }),
})

const CategoryUpdateInput = builder.inputType('CategoryUpdateInput', {
  description: 'Only the fields given change; parentId null moves it to the top level.',
  fields: (t) => ({
    categoryId: t.globalID({ required: true, for: Category }),
    name: t.string({ validate: nameInput }),
    slug: t.string({ validate: slugInput }),
    parentId: t.globalID({
      for: Category,
      description: 'Never the category itself or one below it (CATEGORY_CYCLE).',
    }),
  }),
  validate: z
    .looseObject({})
    .refine(
      (input: Record<string, unknown>) => input.parentId !== undefined || input.name != null || input.slug != null,
      'Give a field to change.',
    ),
})

const categoryPayload = (name: string) =>
  builder.objectRef<Payload<{ category: CategoryRow }>>(name).implement({
    fields: (t) => ({
      category: t.field({ type: Category, nullable: true, resolve: (payload) => payload.category ?? null }),
      userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
    }),
  })

builder.mutationFields((t) => ({
  categoryCreate: t.field({
    type: categoryPayload('CategoryCreatePayload'),
    description: 'Admins: a category, last among its siblings.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CategoryCreateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        category: await createCategory(context.db, auditAuthorOf(context), {
          name: input.name.trim(),
          slug: input.slug ?? null,
          parentId: input.parentId?.id ?? null,
        }),
      })),
  }),
  categoryUpdate: t.field({
    type: categoryPayload('CategoryUpdatePayload'),
    description: 'Admins: renames or moves a category; a move goes last among its new siblings.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CategoryUpdateInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => ({
        category: await updateCategory(context.db, auditAuthorOf(context), input.categoryId.id, {
          name: input.name?.trim() ?? undefined,
          slug: input.slug ?? undefined,
          parentId: input.parentId === undefined ? undefined : (input.parentId?.id ?? null),
        }),
      })),
  }),
}))
