import type { Config } from '../config.js'
import { cartCleanupJob } from '../modules/carts/cart-cleanup.job.js'
import { cartHoldExpiryJob } from '../modules/carts/cart-hold-expiry.job.js'
import { orderTimersJob } from '../modules/orders/order-timers.job.js'
import type { Job } from './job.js'

/** Every periodic job, run by the server's scheduler or by `npm run jobs`. */
export function allJobs(config: Config): Job[] {
  return [cartHoldExpiryJob(), cartCleanupJob(config.carts), orderTimersJob()]
}
