import type { Db } from '../../db/create-db.js'
import type { ImportJobRow, ImportKind, ImportLineError } from '../../db/database.js'
import type { Logger } from '../../logger.js'
import type { AuditAuthor } from '../audit/audit.service.js'
import { ImportQueueFullError } from './import-job.errors.js'
import * as importJobRepository from './import-job.repository.js'
import { importJobQueue } from './import-job-queue.js'
import { runImport } from './import-run.service.js'
import type { ImportSource } from './text-source.js'

/** The first bad lines a job keeps for its caller to read; the counts cover them all. */
export const MAX_JOB_ERRORS = 100

export interface ImportJobRequest {
  source: ImportSource
  kind: ImportKind
  dryRun: boolean
  author: AuditAuthor
  createdBy: string | null
  logger: Logger
}

/**
 * Records the job (QUEUED) and answers with it at once; the import runs afterwards in this
 * process, one job at a time, updating the row after every batch. Refused when the queue is full.
 */
export async function startImportJob(
  db: Db,
  request: ImportJobRequest,
): Promise<{ job: ImportJobRow; done: Promise<void> }> {
  if (importJobQueue.isFull) throw new ImportQueueFullError()
  const job = await importJobRepository.insertJob(db, {
    kind: request.kind,
    dryRun: request.dryRun,
    fileName: request.source.name,
    createdBy: request.createdBy,
  })
  const done = importJobQueue.enqueue(job.id, () => runJob(db, job, request))
  return { job, done }
}

async function runJob(db: Db, job: ImportJobRow, request: ImportJobRequest): Promise<void> {
  const errors: ImportLineError[] = []
  try {
    await importJobRepository.markRunning(db, job.id)
    const summary = await runImport(
      db,
      { source: request.source, kind: request.kind, dryRun: request.dryRun, author: request.author, runId: job.id },
      {
        onError: (error) => {
          if (errors.length < MAX_JOB_ERRORS) errors.push(error)
        },
        onProgress: async (progress) => {
          await importJobRepository.saveProgress(db, job.id, { ...progress, errors })
          await importJobRepository.touchJobs(db, importJobQueue.pendingIds)
        },
      },
    )
    if (summary.fileError && errors.length < MAX_JOB_ERRORS) errors.push(summary.fileError)
    await importJobRepository.saveProgress(db, job.id, { ...summary, errors })
    await importJobRepository.finishJob(db, job.id, {
      status: summary.fileError ? 'FAILED' : 'SUCCEEDED',
      failure: summary.fileError ? `line ${summary.fileError.line}: ${summary.fileError.message}` : null,
    })
  } catch (error) {
    request.logger.error({ err: error, importJobId: job.id }, 'import job failed')
    await importJobRepository
      .finishJob(db, job.id, { status: 'FAILED', failure: 'the import stopped on an internal error' })
      .catch((finishError: unknown) =>
        request.logger.error({ err: finishError }, 'could not record the failed import job'),
      )
  }
}

export function findImportJobs(db: Db, ids: readonly string[]): Promise<ImportJobRow[]> {
  return importJobRepository.findJobs(db, ids)
}
