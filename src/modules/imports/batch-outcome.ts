import type { ImportLineError } from '../../db/database.js'
import type { AuditAuthor } from '../audit/audit.service.js'
import type { ImportContext } from './import-context.js'

/** What one batch did: rows changed, lines refused and why. */
export interface BatchOutcome {
  changed: number
  failedLines: number
  errors: ImportLineError[]
}

export interface BatchSettings {
  context: ImportContext
  author: AuditAuthor
  /** Names the run in ledger references and audit entries: the import job's id. */
  runId: string
  /** Validate and compute everything, then roll back. */
  dryRun: boolean
}

export function emptyOutcome(): BatchOutcome {
  return { changed: 0, failedLines: 0, errors: [] }
}

export function addOutcome(total: BatchOutcome, part: BatchOutcome): BatchOutcome {
  return {
    changed: total.changed + part.changed,
    failedLines: total.failedLines + part.failedLines,
    errors: [...total.errors, ...part.errors],
  }
}

/** Why a group the database refused was refused, in words a file's author can act on. */
export function databaseRefusal(error: unknown): string {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown }
  if (code === '23505' && typeof constraint === 'string' && constraint.includes('barcode')) {
    return 'barcode: another variant has this barcode.'
  }
  if (code === '23505' && typeof constraint === 'string' && constraint.includes('sku')) {
    return 'sku: another import wrote this SKU at the same time; run the file again.'
  }
  if (code === '23505') return 'a value that must be unique is already taken.'
  if (code === '23514') return 'a value is out of the allowed range.'
  if (code === '55P03' || code === '40P01' || code === '40001') return 'busy: the rows were locked; run the file again.'
  throw error
}
