import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminMutation, catalogCounts, shirtInput } from '../fixtures/catalog-admin.js'
import { globalId } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let admin: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

interface CategoryShape {
  id: string
  slug: string
  name: string
  parent: { id: string } | null
  children: { id: string }[]
}
const CATEGORY = 'category { id slug name parent { id } children { id } }'

async function createCategory(input: object): Promise<CategoryShape> {
  const { payload } = await adminMutation<{ category: CategoryShape }>(api, admin, 'categoryCreate', input, CATEGORY)
  expect(payload!.userErrors).toEqual([])
  return payload!.category
}

const moveCategory = (categoryId: string, parentId: string | null) =>
  adminMutation<{ category: CategoryShape | null }>(api, admin, 'categoryUpdate', { categoryId, parentId }, CATEGORY)

async function productSlugsIn(categoryId: string): Promise<string[]> {
  const result = await api.gql<{ products: { edges: { node: { slug: string } }[] } }>(
    'query($c: ID) { products(first: 100, categoryId: $c) { edges { node { slug } } } }',
    { c: categoryId },
  )
  return result.data!.products.edges.map((edge) => edge.node.slug)
}

describe('the category tree', () => {
  let outdoor: CategoryShape
  let jackets: CategoryShape
  let rain: CategoryShape

  beforeAll(async () => {
    outdoor = await createCategory({ name: 'Outdoor Gear & Café' })
    jackets = await createCategory({ name: 'Jackets', slug: 'outdoor-jackets', parentId: outdoor.id })
    rain = await createCategory({ name: 'Rain jackets', slug: 'rain-jackets', parentId: jackets.id })
    for (const [suffix, category] of [
      ['top', outdoor],
      ['mid', jackets],
      ['leaf', rain],
    ] as const) {
      const { payload } = await adminMutation(
        api,
        admin,
        'productCreate',
        shirtInput(suffix, { categoryId: category.id }),
      )
      expect(payload!.userErrors).toEqual([])
    }
  })

  it('makes a slug from the name, and reads parent and children', async () => {
    expect(outdoor.slug).toBe('outdoor-gear-cafe')
    const read = await api.gql<{ node: CategoryShape }>(
      `query($id: ID!) { node(id: $id) { ... on Category { id slug name parent { id } children { id } } } }`,
      { id: jackets.id },
    )
    expect(read.data!.node).toEqual({ ...jackets, parent: { id: outdoor.id }, children: [{ id: rain.id }] })
  })

  it('lists the products of a category and of every category below it', async () => {
    expect(await productSlugsIn(outdoor.id)).toEqual(['linen-shirt-leaf', 'linen-shirt-mid', 'linen-shirt-top'])
    expect(await productSlugsIn(jackets.id)).toEqual(['linen-shirt-leaf', 'linen-shirt-mid'])
    expect(await productSlugsIn(rain.id)).toEqual(['linen-shirt-leaf'])
  })

  it('refuses to put a category under itself or below itself, and writes nothing', async () => {
    const before = await catalogCounts(testDb.db)
    for (const parent of [outdoor, jackets, rain]) {
      const { payload } = await moveCategory(outdoor.id, parent.id)
      expect(payload!.userErrors.map((error) => [error.code, error.field])).toEqual([['CATEGORY_CYCLE', ['parentId']]])
    }
    const unknownParent = await moveCategory(outdoor.id, globalId('Category', '00000000-0000-4000-8000-000000000000'))
    expect(unknownParent.payload!.userErrors.map((error) => error.code)).toEqual(['UNKNOWN_CATEGORY'])
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })

  it('moves a category to the top with parentId null, and its products leave the old branch', async () => {
    const { payload } = await moveCategory(rain.id, null)
    expect(payload!.category!.parent).toBeNull()
    expect(await productSlugsIn(outdoor.id)).toEqual(['linen-shirt-mid', 'linen-shirt-top'])
    const entry = await testDb.db
      .selectFrom('audit_entry')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'category')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]
    expect(entry).toEqual({
      action: 'UPDATE',
      before: { slug: 'rain-jackets', name: 'Rain jackets', parentId: rawId(jackets.id) },
      after: { slug: 'rain-jackets', name: 'Rain jackets', parentId: null },
    })
    await moveCategory(rain.id, jackets.id)
  })

  it('refuses a taken or malformed slug, a name with no letters for a slug, and an unknown parent', async () => {
    const before = await catalogCounts(testDb.db)
    const cases: [object, string, string[]][] = [
      [{ name: 'Again', slug: 'outdoor-jackets' }, 'SLUG_TAKEN', ['slug']],
      [{ name: 'Outdoor gear, café' }, 'SLUG_TAKEN', ['name']],
      [{ name: 'Shouting', slug: 'SHOUTING' }, 'INVALID_SLUG', ['slug']],
      [{ name: '???' }, 'INVALID_SLUG', ['name']],
      [
        { name: 'Orphan', parentId: globalId('Category', '00000000-0000-4000-8000-000000000000') },
        'UNKNOWN_CATEGORY',
        ['parentId'],
      ],
    ]
    for (const [input, code, field] of cases) {
      const { payload } = await adminMutation(api, admin, 'categoryCreate', input)
      expect(
        payload!.userErrors.map((error) => [error.code, error.field]),
        JSON.stringify(input),
      ).toEqual([[code, field]])
    }
    const renamed = await adminMutation(api, admin, 'categoryUpdate', {
      categoryId: rain.id,
      slug: 'outdoor-gear-cafe',
    })
    expect(renamed.payload!.userErrors.map((error) => error.code)).toEqual(['SLUG_TAKEN'])
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })

  it.runIf(process.env.DATABASE_URL || process.env.TEST_DATABASE_URL)(
    'lets only one of two crossing moves through, so no loop forms',
    async () => {
      const left = await createCategory({ name: 'Left branch' })
      const right = await createCategory({ name: 'Right branch' })
      const results = await Promise.all([moveCategory(left.id, right.id), moveCategory(right.id, left.id)])
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([])
      const codes = results.map((result) => result.payload!.userErrors.map((error) => error.code))
      expect(codes.sort()).toEqual([[], ['CATEGORY_CYCLE']])
    },
  )
})
