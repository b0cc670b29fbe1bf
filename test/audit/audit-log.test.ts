import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { recordAudit } from '../../src/modules/audit/audit.service.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

const AUDIT_LOG = `
  query($filter: AuditLogFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      edges { node { entity entityId action channel actorType before after } }
      pageInfo { hasNextPage endCursor }
    }
  }`

interface AuditLogResult {
  auditLog: {
    edges: {
      node: { entity: string; entityId: string; action: string; channel: string; before: unknown; after: unknown }
    }[]
    pageInfo: { hasNextPage: boolean; endCursor: string | null }
  }
}

describe('auditLog', () => {
  it('lists entries newest first, filtered and paged, only for admins', async () => {
    const author = { actor: { type: 'SYSTEM' as const, id: null }, channel: 'CLI' as const, clientAddress: null }
    await inTransaction(testDb.db, (trx) =>
      recordAudit(trx, author, [
        { entity: 'audit_test', entityId: 'a', action: 'CREATE', before: null, after: { n: 1 } },
        { entity: 'audit_test', entityId: 'a', action: 'UPDATE', before: { n: 1 }, after: { n: 2 } },
        { entity: 'audit_other', entityId: 'b', action: 'CREATE', before: null, after: { n: 3 } },
      ]),
    )
    // A change that rolls back leaves no entry.
    await expect(
      inTransaction(testDb.db, async (trx) => {
        await recordAudit(trx, author, {
          entity: 'audit_test',
          entityId: 'z',
          action: 'CREATE',
          before: null,
          after: {},
        })
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')

    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const first = await api.gql<AuditLogResult>(
      AUDIT_LOG,
      { filter: { entity: 'audit_test' }, first: 1 },
      { token: admin },
    )
    expect(first.errors).toBeUndefined()
    expect(first.data!.auditLog.edges.map((edge) => edge.node.action)).toEqual(['UPDATE'])
    expect(first.data!.auditLog.edges[0]!.node).toMatchObject({ before: { n: 1 }, after: { n: 2 }, channel: 'CLI' })
    expect(first.data!.auditLog.pageInfo.hasNextPage).toBe(true)
    const second = await api.gql<AuditLogResult>(
      AUDIT_LOG,
      { filter: { entity: 'audit_test' }, first: 5, after: first.data!.auditLog.pageInfo.endCursor },
      { token: admin },
    )
    expect(second.data!.auditLog.edges.map((edge) => edge.node.action)).toEqual(['CREATE'])
    expect(second.data!.auditLog.pageInfo.hasNextPage).toBe(false)

    const future = await api.gql<AuditLogResult>(
      AUDIT_LOG,
      { filter: { entity: 'audit_test', from: new Date(Date.now() + 3_600_000).toISOString() } },
      { token: admin },
    )
    expect(future.data!.auditLog.edges).toEqual([])

    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const refused = await api.gql(AUDIT_LOG, {}, { token: manager })
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const anonymous = await api.gql(AUDIT_LOG, {})
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const badCursor = await api.gql(AUDIT_LOG, { after: 'nope' }, { token: admin })
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})
