import { sql } from 'kysely'
import type { Trx } from '../../db/transaction.js'

// Every place a customer's personal data lives outside their own row, in one file, so that
// whoever adds a table holding an email, a name or a phone finds the list to extend. Orders,
// payments and the stock ledger stay: the retailer must keep them for its accounts.

/** Locks the row so that two erasures, or an erasure and a sign-in merge, run one after the other. */
export function lockCustomerForErasure(trx: Trx, customerId: string) {
  return trx
    .selectFrom('customer')
    .select(['id', 'email', 'erased_at'])
    .where('id', '=', customerId)
    .forUpdate()
    .executeTakeFirst()
}

export async function anonymiseCustomer(
  trx: Trx,
  customerId: string,
  replacement: { email: string; passwordHash: string; erasedAt: Date },
): Promise<void> {
  await trx
    .updateTable('customer')
    .set({
      email: replacement.email,
      name: '',
      phone: null,
      password_hash: replacement.passwordHash,
      erased_at: replacement.erasedAt,
    })
    .where('id', '=', customerId)
    .execute()
}

/** The address given at checkout, on every order of theirs. */
export async function clearOrderContactEmails(trx: Trx, customerId: string): Promise<void> {
  await trx
    .updateTable('sales_order')
    .set({ contact_email: null })
    .where('customer_id', '=', customerId)
    .where('contact_email', 'is not', null)
    .execute()
}

/**
 * Messages about their orders: the recipient becomes the anonymised address, a provider's error
 * (which may quote the address) is dropped, and what was still to be sent never will be.
 */
export async function anonymiseNotifications(trx: Trx, customerId: string, recipient: string): Promise<void> {
  await trx
    .updateTable('notification')
    .set({
      recipient,
      last_error: null,
      status: sql`CASE WHEN status = 'PENDING' THEN 'SKIPPED' ELSE status END`,
      claimed_until: null,
    })
    .where('order_id', 'in', (eb) => eb.selectFrom('sales_order').select('id').where('customer_id', '=', customerId))
    .execute()
}

/**
 * The secrets that open their carts from any device, and the device ids their journeys recorded: the tokens and hand-off codes of their
 * carts, of the anonymous carts merged into them and of the carts their orders came from.
 */
export async function revokeCartSecrets(trx: Trx, customerId: string): Promise<void> {
  const cartIds = trx
    .selectFrom('cart')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('customer_id', '=', customerId),
        eb(
          'merged_into_cart_id',
          'in',
          eb.selectFrom('cart as own').select('own.id').where('own.customer_id', '=', customerId),
        ),
        eb(
          'id',
          'in',
          eb
            .selectFrom('sales_order')
            .select('cart_id')
            .where('customer_id', '=', customerId)
            .where('cart_id', 'is not', null)
            .$narrowType<{ cart_id: string }>(),
        ),
      ]),
    )
  await trx.deleteFrom('cart_token').where('cart_id', 'in', cartIds).execute()
  await trx.deleteFrom('cart_handoff').where('cart_id', 'in', cartIds).execute()
  // The device ids their apps chose (X-Device-Id) identify their phones: journeys keep the
  // storefront, kiosk or terminal, never the id (channels/request-origin.ts names the forms).
  await trx
    .updateTable('cart_event')
    .set({
      device: sql`CASE WHEN device LIKE 'device:%' THEN NULL
        ELSE regexp_replace(device, '^(storefront:[0-9a-f-]{36}):.*$', '\\1') END`,
    })
    .where('cart_id', 'in', cartIds)
    .where('device', 'is not', null)
    .execute()
}

/**
 * E-gift cards they bought online: whom they sent each to and what they wrote, on the purchase
 * and on its message. A purchase the shop still owes something keeps both, since the card's code
 * reaches its recipient only through them: one awaiting its payment (the webhook may yet issue
 * it) or whose message is still to be sent.
 */
export async function anonymiseGiftCardPurchases(trx: Trx, customerId: string, recipient: string): Promise<void> {
  const settled = trx
    .selectFrom('gift_card_purchase')
    .select('gift_card_purchase.id')
    .where('gift_card_purchase.customer_id', '=', customerId)
    .where('gift_card_purchase.status', '<>', 'PENDING_PAYMENT')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification')
            .select('notification.id')
            .whereRef('notification.gift_card_purchase_id', '=', 'gift_card_purchase.id')
            .where('notification.status', '=', 'PENDING'),
        ),
      ),
    )
  await trx
    .updateTable('notification')
    .set({ recipient, last_error: null })
    .where('gift_card_purchase_id', 'in', settled)
    .execute()
  await trx
    .updateTable('gift_card_purchase')
    .set({ recipient_email: recipient, message: null })
    .where('id', 'in', settled)
    .execute()
}

/** The push tokens of their app installs: each names a phone or a browser of theirs. */
export async function deletePushDevices(trx: Trx, customerId: string): Promise<void> {
  await trx.deleteFrom('customer_push_device').where('customer_id', '=', customerId).execute()
}
