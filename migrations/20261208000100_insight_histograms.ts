import { type Kysely, sql } from 'kysely'

// Frozen: never import application code here, and never edit after it has shipped.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per day, store, channel and metric instead of one per bucket: the histogram as one
  // exact numeric, bucket b's count written 12·b decimal digits to the left, so `+` and `sum()`
  // merge histograms (modules/insights/insight-histogram.ts, the encoding the code writes).
  await sql`
    CREATE TABLE insight_duration_histogram (
      day date NOT NULL,
      store_id uuid NOT NULL,
      channel text NOT NULL,
      metric smallint NOT NULL,
      histogram numeric NOT NULL,
      PRIMARY KEY (day, store_id, channel, metric)
    )`.execute(db)
  // The rows counted so far, converted: whatever was counted stays counted, once.
  await sql`
    INSERT INTO insight_duration_histogram (day, store_id, channel, metric, histogram)
    SELECT day, store_id, channel, metric, sum((samples::bigint::text || repeat('0', 12 * bucket))::numeric)
    FROM insight_duration_daily
    GROUP BY day, store_id, channel, metric`.execute(db)
  await sql`DROP TABLE insight_duration_daily`.execute(db)
  await sql`ALTER TABLE insight_duration_histogram RENAME TO insight_duration_daily`.execute(db)
  await sql`ALTER TABLE insight_duration_daily RENAME CONSTRAINT insight_duration_histogram_pkey
    TO insight_duration_daily_pkey`.execute(db)
}
