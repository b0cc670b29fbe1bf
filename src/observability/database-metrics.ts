import { Gauge, type Registry } from 'prom-client'
import type { Db } from '../db/create-db.js'
import { poolStatsOf } from '../db/pool-stats.js'
import { outboxBacklog } from '../modules/events/event.service.js'
import { notificationBacklog } from '../modules/notifications/notification.service.js'

/**
 * Gauges read at scrape time: the connection pool, and the outbox and notification backlogs
 * (two indexed counts per scrape, over the partial indexes on unpublished and pending rows).
 */
export function registerDatabaseMetrics(registry: Registry, db: Db, now: () => Date = () => new Date()): void {
  const registers = [registry]
  new Gauge({
    name: 'comptoir_db_pool_connections_in_use',
    help: 'Database connections lent to a query or transaction',
    registers,
    collect() {
      this.set(poolStatsOf(db)?.inUse ?? 0)
    },
  })
  new Gauge({
    name: 'comptoir_db_pool_waiting',
    help: 'Callers waiting for a database connection',
    registers,
    collect() {
      this.set(poolStatsOf(db)?.waiting ?? 0)
    },
  })
  let backlog: ReturnType<typeof outboxBacklog> | null = null
  // Both outbox gauges come from one statement per scrape.
  const readOutbox = () => {
    backlog ??= outboxBacklog(db).finally(() => {
      backlog = null
    })
    return backlog
  }
  new Gauge({
    name: 'comptoir_outbox_backlog',
    help: 'Outbox events recorded and not yet published',
    registers,
    async collect() {
      this.set((await readOutbox()).count)
    },
  })
  new Gauge({
    name: 'comptoir_outbox_lag_seconds',
    help: 'Age of the oldest unpublished outbox event; 0 when none waits',
    registers,
    async collect() {
      const { oldestAt } = await readOutbox()
      this.set(oldestAt ? Math.max(0, (now().getTime() - oldestAt.getTime()) / 1000) : 0)
    },
  })
  new Gauge({
    name: 'comptoir_notification_backlog',
    help: 'Notifications still to send (pending, due now or waiting for a retry)',
    registers,
    async collect() {
      this.set(await notificationBacklog(db))
    },
  })
}
