/** Whether this instance should be sent new traffic; read by /readyz. */
export interface Readiness {
  readonly draining: boolean
}

export interface DrainableReadiness extends Readiness {
  /** From now on /readyz answers 503, so the load balancer stops routing here while requests finish. */
  drain(): void
}

export function createReadiness(): DrainableReadiness {
  let draining = false
  return {
    get draining() {
      return draining
    },
    drain() {
      draining = true
    },
  }
}
