import type { CartHoldRow, CartLineRow, CartRow, VariantRow } from '../../db/database.js'

export type Json = Record<string, unknown>

/** jsonb arrives parsed from pg and PGlite, but a driver may hand it over as text. */
export function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value
}

// Rows inside jsonb carry timestamps as text and bigints as numbers: give them their row types back.

export function cartRowOf(row: Json): CartRow {
  return {
    ...(row as unknown as CartRow),
    created_at: new Date(String(row.created_at)),
    updated_at: new Date(String(row.updated_at)),
  }
}

export function lineRowOf(row: Json): CartLineRow {
  return {
    ...(row as unknown as CartLineRow),
    position: String(row.position),
    created_at: new Date(String(row.created_at)),
    updated_at: new Date(String(row.updated_at)),
  }
}

export function holdRowOf(row: Json): CartHoldRow {
  return { ...(row as unknown as CartHoldRow), expires_at: new Date(String(row.expires_at)) }
}

export function variantRowOf(row: Json): VariantRow {
  return { ...(row as unknown as VariantRow), created_at: new Date(String(row.created_at)) }
}
