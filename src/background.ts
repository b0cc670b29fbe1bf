import type { Config } from './config.js'
import type { Db } from './db/create-db.js'
import { allJobs } from './jobs/all-jobs.js'
import { createScheduler } from './jobs/scheduler.js'
import type { Logger } from './logger.js'
import { createOutboxDispatcher } from './modules/events/outbox-dispatcher.js'
import type { AppPubSub } from './modules/events/pubsub.js'

export interface BackgroundWork {
  /** Stops polling and scheduling; resolves once the batch or jobs in flight have finished. */
  stop(): Promise<void>
}

/** What a server runs beside its requests: the outbox dispatcher and, unless disabled, the jobs. */
export function startBackgroundWork(deps: {
  config: Config
  db: Db
  logger: Logger
  pubsub: AppPubSub
}): BackgroundWork {
  const { config, db, logger, pubsub } = deps
  const dispatcher = createOutboxDispatcher({ db, pubsub, logger, pollIntervalMs: config.outboxPollMs })
  dispatcher.start()
  const scheduler = config.schedulerEnabled ? createScheduler({ db, logger, jobs: allJobs(config) }) : null
  scheduler?.start()
  return {
    async stop() {
      await Promise.all([dispatcher.stop(), scheduler?.stop()])
    },
  }
}
