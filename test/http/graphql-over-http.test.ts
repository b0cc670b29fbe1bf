import { serverAudits } from 'graphql-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let live: LiveServer

beforeAll(async () => {
  testDb = await createTestDb()
  // Over a real socket: under Node, /graphql reads JSON bodies itself (graphql-route.ts).
  live = await startLiveServer(createTestApp(testDb))
})
afterAll(async () => {
  await live.close()
  await testDb.destroy()
})

describe('GraphQL over HTTP (the graphql-http audits)', () => {
  for (const audit of serverAudits({ url: () => live.url, fetchFn: fetch })) {
    it(audit.name, async () => {
      const result = await audit.fn()
      expect({ status: result.status, reason: 'reason' in result ? result.reason : undefined }).toEqual({
        status: 'ok',
        reason: undefined,
      })
    })
  }
})
