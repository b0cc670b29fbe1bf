const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Row ids are UUIDs; anything else never reaches SQL, where a bad cast would fail the statement. */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}
