import type { Channel, PromotionRow } from '../../db/database.js'
import { InvalidPromotionError } from './promotion.errors.js'
import {
  type BuyXGetY,
  normalizeDiscountCode,
  type PromotionKind,
  type PromotionRule,
  type PromotionTarget,
  type PromotionValue,
} from './promotion.js'

/** A promotion's settings as staff write them; validated by checkPromotionDraft before it is stored. */
export interface PromotionDraft {
  name: string
  kind: PromotionKind
  codes: string[]
  value: PromotionValue
  currencyCode: string | null
  target: PromotionTarget
  buyXGetY: BuyXGetY | null
  minSubtotalMinor: number | null
  minQuantity: number | null
  startsAt: Date | null
  endsAt: Date | null
  channels: Channel[]
  storeIds: string[]
  usageLimit: number | null
  usageLimitPerCustomer: number | null
  combinesWithOthers: boolean
  priority: number
}

const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,63}$/

/** The draft with its codes normalised and de-duplicated, or INVALID_PROMOTION naming the field at fault. */
export function checkPromotionDraft(draft: PromotionDraft): PromotionDraft {
  const codes = [...new Set(draft.codes.map(normalizeDiscountCode))]
  if (draft.name.trim().length === 0 || draft.name.length > 200) {
    throw new InvalidPromotionError(['name'], 'A promotion has a name of 1 to 200 characters.')
  }
  if (draft.kind === 'CODE' && codes.length === 0)
    throw new InvalidPromotionError(['codes'], 'A CODE promotion needs at least one code.')
  if (draft.kind === 'AUTOMATIC' && codes.length > 0)
    throw new InvalidPromotionError(['codes'], 'An AUTOMATIC promotion has no codes.')
  const badCode = codes.find((code) => !CODE_PATTERN.test(code))
  if (badCode !== undefined) {
    throw new InvalidPromotionError(['codes'], `"${badCode}" is not a code: 1 to 64 letters, digits, - or _.`)
  }
  const needsCurrency = draft.value.type === 'FIXED_AMOUNT' || draft.minSubtotalMinor !== null
  if (needsCurrency && draft.currencyCode === null) {
    throw new InvalidPromotionError(
      ['currencyCode'],
      'A fixed amount or a minimum subtotal is in a currency: give currencyCode.',
    )
  }
  if (draft.target.type !== 'ORDER' && draft.target.ids.length === 0) {
    throw new InvalidPromotionError(['target'], 'Name at least one category, product or variant, or target the order.')
  }
  if (draft.buyXGetY && draft.target.type === 'ORDER') {
    throw new InvalidPromotionError(['buyXGetY'], 'Buy X get Y needs a category, product or variant target.')
  }
  if (draft.startsAt && draft.endsAt && draft.startsAt.getTime() >= draft.endsAt.getTime()) {
    throw new InvalidPromotionError(['endsAt'], 'A promotion ends after it starts: startsAt must be before endsAt.')
  }
  return { ...draft, codes, name: draft.name.trim() }
}

/** Columns of a checked draft (codes live in promotion_code). */
export function promotionColumns(draft: PromotionDraft) {
  const target = draft.target
  return {
    name: draft.name,
    kind: draft.kind,
    value_type: draft.value.type,
    value_amount: draft.value.type === 'PERCENTAGE' ? draft.value.basisPoints : draft.value.amountMinor,
    currency_code: draft.currencyCode,
    target_type: target.type,
    target_ids: target.type === 'ORDER' ? [] : [...target.ids],
    buy_quantity: draft.buyXGetY?.buyQuantity ?? null,
    get_quantity: draft.buyXGetY?.getQuantity ?? null,
    min_subtotal_minor: draft.minSubtotalMinor,
    min_quantity: draft.minQuantity,
    starts_at: draft.startsAt,
    ends_at: draft.endsAt,
    channels: draft.channels,
    store_ids: draft.storeIds,
    usage_limit: draft.usageLimit,
    usage_limit_per_customer: draft.usageLimitPerCustomer,
    combines_with_others: draft.combinesWithOthers,
    priority: draft.priority,
  }
}

const dateOf = (value: Date | string | null) => (value === null ? null : new Date(value))

export function draftOfRow(row: PromotionRow, codes: string[]): PromotionDraft {
  return {
    name: row.name,
    kind: row.kind,
    codes,
    value:
      row.value_type === 'PERCENTAGE'
        ? { type: 'PERCENTAGE', basisPoints: row.value_amount }
        : { type: 'FIXED_AMOUNT', amountMinor: row.value_amount },
    currencyCode: row.currency_code,
    target: row.target_type === 'ORDER' ? { type: 'ORDER' } : { type: row.target_type, ids: row.target_ids },
    buyXGetY:
      row.buy_quantity !== null && row.get_quantity !== null
        ? { buyQuantity: row.buy_quantity, getQuantity: row.get_quantity }
        : null,
    minSubtotalMinor: row.min_subtotal_minor,
    minQuantity: row.min_quantity,
    startsAt: dateOf(row.starts_at),
    endsAt: dateOf(row.ends_at),
    channels: row.channels,
    storeIds: row.store_ids,
    usageLimit: row.usage_limit,
    usageLimitPerCustomer: row.usage_limit_per_customer,
    combinesWithOthers: row.combines_with_others,
    priority: row.priority,
  }
}

/** The pricing function's view of a stored promotion, with the customer's uses counted by the caller. */
export function ruleOfRow(row: PromotionRow, codes: string[], timesUsedByCustomer: number): PromotionRule {
  const { currencyCode: _currency, ...rule } = draftOfRow(row, codes)
  return { ...rule, id: row.id, timesUsed: row.times_used, timesUsedByCustomer }
}
