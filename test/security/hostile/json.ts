/** Reading JSON from the wire without trusting its shape. */

export type JsonPath = readonly (string | number)[]

/** The value at `path`, or undefined when any step is missing. */
export function at(value: unknown, ...path: JsonPath): unknown {
  let current = value
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[step]
  }
  return current
}

export function stringAt(value: unknown, ...path: JsonPath): string | undefined {
  const found = at(value, ...path)
  return typeof found === 'string' ? found : undefined
}

export function arrayAt(value: unknown, ...path: JsonPath): unknown[] {
  const found = at(value, ...path)
  return Array.isArray(found) ? found : []
}

/** A Relay global id, as the server makes them: base64 of `Type:rawId`. */
export function globalIdOf(typename: string, rawId: string): string {
  return Buffer.from(`${typename}:${rawId}`).toString('base64')
}
