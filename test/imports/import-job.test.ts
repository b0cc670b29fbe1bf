import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { ABANDONED_AFTER_MS, importJobReaperJob } from '../../src/modules/imports/import-job-reaper.job.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let live: LiveServer
let admin: string

const UPLOAD_LIMIT = 64 * 1024

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { env: { GRAPHQL_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) } })
  live = await startLiveServer(api)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(async () => {
  await live.close()
  await testDb.destroy()
})

const IMPORT = `mutation($input: CatalogImportInput!) {
  catalogImport(input: $input) { job { id status kind dryRun fileName } userErrors { code message } }
}`
const JOB = `query($id: ID!) {
  importJob(id: $id) { id status processed failed changed failure errors { line message } createdBy { email } }
}`

interface JobView {
  id: string
  status: string
  processed: number
  failed: number
  changed: number
  failure: string | null
  errors: { line: number; message: string }[]
  createdBy: { email: string } | null
}

interface UploadAnswer {
  data?: { catalogImport: { job: { id: string; status: string }; userErrors: unknown[] } }
  errors?: { extensions?: { code?: string } }[]
}

/** A GraphQL multipart request (operations, map, then the file), as a client library sends it. */
function uploadBody(fileName: string, text: string, kind: 'CATALOG' | 'STOCK', dryRun = false): FormData {
  const form = new FormData()
  form.set('operations', JSON.stringify({ query: IMPORT, variables: { input: { file: null, kind, dryRun } } }))
  form.set('map', JSON.stringify({ 0: ['variables.input.file'] }))
  form.set('0', new File([text], fileName, { type: 'text/csv' }))
  return form
}

async function upload(url: string, form: FormData, token?: string) {
  const headers: Record<string, string> = { 'graphql-require-preflight': '1' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(url, { method: 'POST', headers, body: form })
  return { status: response.status, body: (await response.json()) as UploadAnswer }
}

async function waitForJob(id: string): Promise<JobView> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = await api.gql<{ importJob: JobView }>(JOB, { id }, { token: admin })
    const job = result.data?.importJob
    if (!job) throw new Error(JSON.stringify(result))
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED') return job
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the import job did not finish')
}

const example = (file: string) => readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')

describe('catalogImport', () => {
  it('takes an uploaded file over a real socket, answers with a queued job, and the job is readable until it ends', async () => {
    const { status, body } = await upload(live.url, uploadBody('catalog.csv', example('catalog.csv'), 'CATALOG'), admin)
    expect(status).toBe(200)
    const job = body.data!.catalogImport.job
    expect(body.data!.catalogImport.userErrors).toEqual([])
    expect(job).toMatchObject({ kind: 'CATALOG', dryRun: false, fileName: 'catalog.csv' })
    expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(job.status)
    const done = await waitForJob(job.id)
    expect(done).toMatchObject({ status: 'SUCCEEDED', processed: 5, failed: 0, changed: 14, errors: [], failure: null })
    expect(done.createdBy?.email).toBe('admin@comptoir.dev')
    const entry = await testDb.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('entity', '=', 'import_job')
      .executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ actor_type: 'STAFF', channel: 'BACK_OFFICE', action: 'IMPORT' })
    // Each product the job wrote is audited as the admin's, from the back office, like the job itself.
    const productEntries = await testDb.db
      .selectFrom('audit_entry')
      .select(['actor_type', 'actor_id', 'channel'])
      .where('entity', '=', 'product')
      .execute()
    expect(productEntries.length).toBeGreaterThan(0)
    expect(new Set(productEntries.map((row) => `${row.actor_type} ${row.actor_id} ${row.channel}`))).toEqual(
      new Set([`STAFF ${entry.actor_id} BACK_OFFICE`]),
    )
    expect(await testDb.db.selectFrom('product').select('id').where('slug', '=', 'linen-apron').execute()).toHaveLength(
      1,
    )
  })

  it('reports bad lines with their numbers, and stock through the in-process app', async () => {
    const stock = 'sku,store,on_hand\nTSH-ORG-NAV-M,PAR-RIVOLI,5\nNO-SUCH,PAR-RIVOLI,1\nTSH-ORG-NAV-M,NOWHERE,1\n'
    const response = await api.app.request('/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: uploadBody('stock.csv', stock, 'STOCK'),
    })
    const body = (await response.json()) as { data: { catalogImport: { job: { id: string } } } }
    const done = await waitForJob(body.data!.catalogImport.job.id)
    expect(done).toMatchObject({ status: 'SUCCEEDED', processed: 3, failed: 2 })
    expect(done.errors).toEqual([
      { line: 3, message: expect.stringMatching(/no variant has the SKU NO-SUCH/) },
      { line: 4, message: expect.stringMatching(/no store has the code "NOWHERE"/) },
    ])
  })

  it('a dry-run job counts what would change and changes nothing; a bad header fails the job', async () => {
    const before = await testDb.db.selectFrom('variant').select('sku').where('sku', '=', 'MUG-EMA-WHI').execute()
    const { body } = await upload(
      live.url,
      uploadBody('catalog.jsonl', example('catalog.jsonl'), 'CATALOG', true),
      admin,
    )
    const done = await waitForJob(body.data!.catalogImport.job.id)
    expect(done).toMatchObject({ status: 'SUCCEEDED', processed: 2, failed: 0, changed: 8 })
    expect(await testDb.db.selectFrom('variant').select('sku').where('sku', '=', 'MUG-EMA-WHI').execute()).toEqual(
      before,
    )

    const broken = await upload(live.url, uploadBody('odd.csv', 'what,is,this\n1,2,3\n', 'CATALOG'), admin)
    const failed = await waitForJob(broken.body.data!.catalogImport.job.id)
    expect(failed.status).toBe('FAILED')
    expect(failed.failure).toMatch(/^line 1: unknown column "what"/)
  })

  it('is for admins only, and refuses a file over the upload limit', async () => {
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const jobsBefore = await testDb.db.selectFrom('import_job').select('id').execute()
    const asManager = await upload(live.url, uploadBody('stock.csv', example('stock.csv'), 'STOCK'), manager)
    expect(asManager.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const anonymous = await upload(live.url, uploadBody('stock.csv', example('stock.csv'), 'STOCK'))
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const tooLarge = await upload(live.url, uploadBody('big.csv', 'x'.repeat(UPLOAD_LIMIT + 1), 'STOCK'), admin)
    expect(tooLarge.status).toBe(413)
    expect(await testDb.db.selectFrom('import_job').select('id').execute()).toEqual(jobsBefore)

    const jobs = await testDb.db.selectFrom('import_job').select('id').limit(1).execute()
    const { globalId } = { globalId: Buffer.from(`ImportJob:${jobs[0]!.id}`).toString('base64') }
    const read = await api.gql(JOB, { id: globalId }, { token: manager })
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })

  it('marks a job whose process stopped as FAILED instead of leaving it RUNNING', async () => {
    const stale = await testDb.db
      .insertInto('import_job')
      .values({ kind: 'CATALOG', file_name: 'lost.csv', status: 'RUNNING', updated_at: sql`now() - interval '1 hour'` })
      .returning('id')
      .executeTakeFirstOrThrow()
    const fresh = await testDb.db
      .insertInto('import_job')
      .values({ kind: 'CATALOG', file_name: 'live.csv', status: 'RUNNING' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const now = new Date(Date.now() + ABANDONED_AFTER_MS / 2)
    await inTransaction(testDb.db, (trx) => importJobReaperJob().run(trx, now))
    const rows = await testDb.db
      .selectFrom('import_job')
      .select(['id', 'status', 'failure'])
      .where('id', 'in', [stale.id, fresh.id])
      .execute()
    expect(rows.find((row) => row.id === stale.id)).toMatchObject({
      status: 'FAILED',
      failure: expect.stringMatching(/^interrupted/),
    })
    expect(rows.find((row) => row.id === fresh.id)?.status).toBe('RUNNING')
  })
})
