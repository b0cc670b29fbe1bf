import type { Db } from '../../db/create-db.js'
import type { Locale, StaffRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { NotFoundError } from '../shared/not-found.js'
import * as staffRepository from './staff.repository.js'

/**
 * The language of a member's own staff board (null: their browser's). A personal display setting,
 * so the member's own to change, with its event and no back-office audit entry.
 */
export function setStaffLocale(db: Db, staffId: string, locale: Locale | null): Promise<StaffRow> {
  return inTransaction(db, async (trx) => {
    if (!(await staffRepository.lockStaff(trx, staffId))) throw new NotFoundError('Staff', staffId)
    const staff = await staffRepository.updateStaff(trx, staffId, { locale })
    await recordEvent(trx, {
      type: 'staff.updated',
      aggregateType: 'staff',
      aggregateId: staffId,
      payload: { staffId },
    })
    return staff
  })
}
