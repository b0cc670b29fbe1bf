import { fixedBusinessError } from '../shared/business-error.js'
import { MAX_QUEUED_JOBS } from './import-job-queue.js'

export const ImportQueueFullError = fixedBusinessError(
  'IMPORT_QUEUE_FULL',
  ['file'],
  `This server already has ${MAX_QUEUED_JOBS} imports waiting or running; try again when one has finished.`,
)
