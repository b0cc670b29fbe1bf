import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { printSchemaSDL } from '../../src/graphql/schema.js'

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` after an API change)', () => {
    const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8')
    expect(printSchemaSDL()).toBe(committed)
  })

  it('keeps the names clients are written against', () => {
    const sdl = printSchemaSDL()
    for (const name of [
      'products(',
      'product(',
      'stores(',
      'store(',
      'node(',
      'availability(storeId: ID!): Availability!',
      'availabilityNear(',
      'staffSignIn(input: StaffSignInInput!): StaffSignInPayload!',
      'inventoryReceive(input: InventoryReceiveInput!): InventoryReceivePayload!',
      'inventoryAdjust(input: InventoryAdjustInput!): InventoryAdjustPayload!',
    ]) {
      expect(sdl).toContain(name)
    }
  })
})
