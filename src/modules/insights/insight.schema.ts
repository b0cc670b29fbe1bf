import { GraphQLError } from 'graphql'
import type { Channel as ChannelValue } from '../../db/database.js'
import { builder } from '../../graphql/builder.js'
import { badUserInput } from '../../graphql/errors.js'
import { Channel } from '../carts/cart.schema.js'
import { Money } from '../shared/money.schema.js'
import { Store } from '../stores/store.schema.js'
import { InsightPeriodError, InsightStoresForbiddenError } from './insight.errors.js'
import {
  findInsights,
  findInsightsCsv,
  type InsightGrouping as Grouping,
  type InsightQuery,
  type InsightRow as Row,
} from './insight.service.js'
import { BUCKET_RATIO } from './insight-buckets.js'
import type { DurationFigure } from './insight-histogram.js'
import { averageBasketMinor } from './insight-report.js'

const InsightGrouping = builder.enumType('InsightGrouping', {
  description: 'How insights rows are cut: per store-local day, per week (from Monday), per store or per channel.',
  values: ['DAY', 'WEEK', 'STORE', 'CHANNEL'] as const,
})

const errorPercent = ((Math.sqrt(BUCKET_RATIO) - 1) * 100).toFixed(1)

const DurationPercentiles = builder.objectRef<DurationFigure>('DurationPercentiles').implement({
  description:
    `Percentiles of a duration, estimated from histograms with buckets ${BUCKET_RATIO}× wide: ` +
    `within ${errorPercent} % of a duration in the percentile's bucket.`,
  fields: (t) => ({
    samples: t.exposeInt('samples', { description: 'Orders measured.' }),
    p50Seconds: t.exposeInt('p50Seconds', { nullable: true }),
    p90Seconds: t.exposeInt('p90Seconds', { nullable: true }),
  }),
})

const ChannelRevenue = builder
  .objectRef<{ channel: ChannelValue; currencyCode: string; amountMinor: number }>('ChannelRevenue')
  .implement({
    fields: (t) => ({
      channel: t.field({ type: Channel, resolve: (entry) => entry.channel }),
      revenue: t.field({
        type: Money,
        resolve: (entry) => ({ amountMinor: entry.amountMinor, currencyCode: entry.currencyCode }),
      }),
    }),
  })

const InsightRow = builder.objectRef<Row>('InsightRow').implement({
  description:
    'The figures of one day, week, store or channel. Orders count on the store-local day they were ' +
    'placed, whatever happened to them later, so each row describes one cohort. Money comes per currency.',
  fields: (t) => ({
    period: t.exposeString('period', {
      nullable: true,
      description: 'DAY: the date; WEEK: the Monday starting it (YYYY-MM-DD, store-local).',
    }),
    store: t.field({
      type: Store,
      nullable: true,
      description: 'STORE: the store; null on the row of carts started before any store was chosen.',
      resolve: (row) => row.storeId,
    }),
    channel: t.field({ type: Channel, nullable: true, resolve: (row) => row.channel }),
    cartsStarted: t.exposeInt('cartsStarted'),
    ordersPlaced: t.exposeInt('ordersPlaced', { description: 'Orders placed at checkout (not till sales).' }),
    posSales: t.exposeInt('posSales', { description: 'Sales completed at the till.' }),
    conversion: t.exposeFloat('conversion', { nullable: true, description: 'ordersPlaced / cartsStarted.' }),
    crossDeviceOrders: t.exposeInt('crossDeviceOrders'),
    crossDeviceShare: t.exposeFloat('crossDeviceShare', {
      nullable: true,
      description: 'Share of orders placed whose journey crossed devices.',
    }),
    averageBasket: t.field({
      type: [Money],
      description: 'Average total of orders placed and till sales, per currency, in whole minor units.',
      resolve: (row) =>
        row.currencies.flatMap((figure) => {
          const amountMinor = averageBasketMinor(figure)
          return amountMinor === null ? [] : [{ amountMinor, currencyCode: figure.currencyCode }]
        }),
    }),
    revenue: t.field({
      type: [Money],
      description: 'Totals of the orders collected and till sales completed, per currency.',
      resolve: (row) => row.currencies.map((f) => ({ amountMinor: f.revenueMinor, currencyCode: f.currencyCode })),
    }),
    revenueByChannel: t.field({ type: [ChannelRevenue], resolve: (row) => row.revenueByChannel }),
    placedToReady: t.field({ type: DurationPercentiles, resolve: (row) => row.placedToReady }),
    readyOrders: t.exposeInt('ready'),
    readyBeforeSlotShare: t.exposeFloat('readyBeforeSlotShare', {
      nullable: true,
      description: 'Share of orders made ready that were ready by the start of their booked slot.',
    }),
    counterWait: t.field({
      type: DurationPercentiles,
      description: 'From "I\'m here" (orderArrive) to the hand-over, for collected orders that announced themselves.',
      resolve: (row) => row.counterWait,
    }),
    noShows: t.exposeInt('noShows', { description: 'Orders expired uncollected.' }),
    noShowShare: t.exposeFloat('noShowShare', { nullable: true, description: 'noShows / ordersPlaced.' }),
    cancellations: t.exposeInt('cancellations'),
    cancellationShare: t.exposeFloat('cancellationShare', {
      nullable: true,
      description: 'cancellations / ordersPlaced.',
    }),
    collectedOrders: t.exposeInt('collected', { description: 'Orders collected, till sales included.' }),
    returnedOrders: t.exposeInt('returnedOrders', { description: 'Orders with at least one return.' }),
    returnsRate: t.exposeFloat('returnsRate', { nullable: true, description: 'returnedOrders / collectedOrders.' }),
  }),
})

builder.queryFields((t) => {
  const args = {
    from: t.arg.string({ required: true, description: 'First store-local date, YYYY-MM-DD.' }),
    to: t.arg.string({ required: true, description: 'Last store-local date (included), YYYY-MM-DD.' }),
    storeIds: t.arg.globalIDList({
      for: Store,
      description: 'Default: every store the caller may see. A manager naming another store is FORBIDDEN.',
    }),
    groupBy: t.arg({ type: InsightGrouping, required: true }),
  }
  type Args = { from: string; to: string; storeIds?: { id: string }[] | null; groupBy: Grouping }
  const queryOf = (a: Args): InsightQuery => ({
    from: a.from,
    to: a.to,
    storeIds: a.storeIds ? a.storeIds.map((id) => id.id) : null,
    groupBy: a.groupBy,
  })
  return {
    insights: t.field({
      type: [InsightRow],
      description: 'Admins (every store) and managers (their stores): figures from the rollups kept by the outbox.',
      authScopes: { manager: true },
      args,
      resolve: (_root, a, context) => withInsightErrors(() => findInsights(context.db, context.viewer, queryOf(a))),
    }),
    insightsCsv: t.string({
      description: 'The same report as `insights`, as CSV: a line per row and currency (see docs/insights.md).',
      authScopes: { manager: true },
      args,
      resolve: (_root, a, context) => withInsightErrors(() => findInsightsCsv(context.db, context.viewer, queryOf(a))),
    }),
  }
})

async function withInsightErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof InsightStoresForbiddenError) {
      throw new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN' } })
    }
    if (error instanceof InsightPeriodError) throw badUserInput(error.message)
    throw error
  }
}
