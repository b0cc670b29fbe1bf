import { describe, expect, it } from 'vitest'
import { workerConfigOf } from './worker-env.js'

const secrets = {
  JWT_SECRET: 'a-secret-that-is-long-enough-for-hs256!',
  WEBHOOK_SECRETS_KEY: 'a-key-that-is-long-enough-to-seal-secrets',
  PAYMENT_PROVIDER: 'offline',
  NODE_ENV: 'test',
}

describe('workerConfigOf', () => {
  it('connects through Hyperdrive when it is bound, whatever DATABASE_URL says', () => {
    const config = workerConfigOf({
      ...secrets,
      DATABASE_URL: 'postgres://direct@db.example/comptoir',
      HYPERDRIVE: { connectionString: 'postgres://user:pw@hyperdrive.local:5432/comptoir' },
    })
    expect(config.databaseUrl).toBe('postgres://user:pw@hyperdrive.local:5432/comptoir')
    expect(config.liveUpdatesUrl).toBeNull()
    expect(config.webhookSecretsKey).toBe(secrets.WEBHOOK_SECRETS_KEY)
  })
  it('falls back to DATABASE_URL and reads LIVE_UPDATES_URL', () => {
    const config = workerConfigOf({
      ...secrets,
      DATABASE_URL: 'postgres://direct@db.example/comptoir',
      LIVE_UPDATES_URL: 'https://live.example',
    })
    expect(config).toMatchObject({
      databaseUrl: 'postgres://direct@db.example/comptoir',
      liveUpdatesUrl: 'https://live.example',
    })
  })
  it('refuses to start without a database, a JWT secret, a sealing key, with SMTP or a bad LIVE_UPDATES_URL', () => {
    const db = { DATABASE_URL: 'postgres://direct@db.example/comptoir' }
    expect(() => workerConfigOf(secrets)).toThrow(/bind Hyperdrive as HYPERDRIVE/)
    expect(() => workerConfigOf({ ...secrets, ...db, JWT_SECRET: undefined })).toThrow(/JWT_SECRET/)
    // Outside production too: a Worker has no disk to keep a generated key on.
    expect(() => workerConfigOf({ ...secrets, ...db, WEBHOOK_SECRETS_KEY: undefined })).toThrow(
      /Workers need WEBHOOK_SECRETS_KEY/,
    )
    expect(() => workerConfigOf({ ...secrets, ...db, SMTP_URL: 'smtp://mail.example:587' })).toThrow(/SMTP_URL/)
    expect(() => workerConfigOf({ ...secrets, ...db, LIVE_UPDATES_URL: 'not a url' })).toThrow(/LIVE_UPDATES_URL/)
  })
})
