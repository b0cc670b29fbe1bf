import type { ImportJobRow } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { type Payload, UserError, withUserErrors } from '../../graphql/user-errors.js'
import { auditAuthorOf } from '../../graphql/viewer-actor.js'
import { Staff } from '../staff/staff.schema.js'
import { findImportJobs, startImportJob } from './import-job.service.js'
import { blobSource } from './text-source.js'

const ImportKindEnum = builder.enumType('ImportKind', {
  values: {
    CATALOG: { description: 'Products, variants and prices (CSV or JSON Lines).' },
    STOCK: { description: 'On hand per store (CSV: sku, store, on_hand).' },
  } as const,
})
const ImportJobStatusEnum = builder.enumType('ImportJobStatus', {
  values: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const,
})

const ImportLineError = builder.objectRef<{ line: number; message: string }>('ImportLineError').implement({
  description: 'A line of the file that was refused, and why.',
  fields: (t) => ({ line: t.exposeInt('line'), message: t.exposeString('message') }),
})

export const ImportJob = builder.loadableNode('ImportJob', {
  id: { resolve: (job: ImportJobRow) => job.id },
  load: (ids: string[], context) => findImportJobs(context.db, ids),
  sort: (job) => job.id,
  authScopes: { admin: true },
  description: 'A bulk import started through the API; poll it while it runs.',
  fields: (t) => ({
    kind: t.field({ type: ImportKindEnum, resolve: (job) => job.kind }),
    status: t.field({
      type: ImportJobStatusEnum,
      description:
        'SUCCEEDED: the whole file was read (refused lines are in failed and errors). FAILED: it stopped early.',
      resolve: (job) => job.status,
    }),
    dryRun: t.exposeBoolean('dry_run'),
    fileName: t.exposeString('file_name'),
    processed: t.exposeInt('processed', { description: 'Lines read and handled so far.' }),
    failed: t.exposeInt('failed', { description: 'Lines refused so far.' }),
    changed: t.exposeInt('changed', { description: 'Rows changed (in a dry run: that would change).' }),
    errors: t.field({
      type: [ImportLineError],
      description: 'The first 100 refused lines, with their reasons.',
      resolve: (job) => job.errors,
    }),
    failure: t.exposeString('failure', { nullable: true, description: 'Why a FAILED job stopped.' }),
    createdBy: t.field({ type: Staff, nullable: true, resolve: (job) => job.created_by }),
    createdAt: t.field({ type: 'DateTime', resolve: (job) => job.created_at }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.started_at }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (job) => job.finished_at }),
  }),
})

const CatalogImportInput = builder.inputType('CatalogImportInput', {
  fields: (t) => ({
    file: t.field({
      type: 'Upload',
      required: true,
      description: 'CSV, or JSON Lines (.jsonl) for a catalog; see docs/import.md.',
    }),
    kind: t.field({ type: ImportKindEnum, required: true }),
    dryRun: t.boolean({
      defaultValue: false,
      description: 'Check every line and count what would change; write nothing.',
    }),
  }),
})

const CatalogImportPayload = builder.objectRef<Payload<{ job: ImportJobRow }>>('CatalogImportPayload').implement({
  fields: (t) => ({
    job: t.field({ type: ImportJob, nullable: true, resolve: (payload) => payload.job ?? null }),
    userErrors: t.field({ type: [UserError], resolve: (payload) => payload.userErrors }),
  }),
})

builder.mutationFields((t) => ({
  catalogImport: t.field({
    type: CatalogImportPayload,
    description: 'Admins: imports a file in the background; the job answers at once and can be polled with importJob.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CatalogImportInput, required: true }) },
    resolve: (_root, { input }, context) =>
      withUserErrors(async () => {
        const { job } = await startImportJob(context.db, {
          source: blobSource(input.file),
          kind: input.kind,
          dryRun: input.dryRun ?? false,
          author: auditAuthorOf(context),
          createdBy: context.viewer.kind === 'staff' ? context.viewer.staffId : null,
          logger: context.logger,
        })
        return { job }
      }),
  }),
}))

builder.queryFields((t) => ({
  importJob: t.field({
    type: ImportJob,
    nullable: true,
    description: 'Admins: an import job and its progress.',
    authScopes: { admin: true },
    args: { id: t.arg.globalID({ required: true, for: ImportJob }) },
    resolve: (_root, { id }) => id.id,
  }),
}))
