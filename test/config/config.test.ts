import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'

describe('loadConfig', () => {
  it('uses the embedded database and development defaults when nothing is set', () => {
    const config = loadConfig({})
    expect(config.port).toBe(4000)
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '.data' })
    expect(config.seedOnStart).toBe(true)
    expect(config.graphql.introspection).toBe(true)
    expect(config.outboxPollMs).toBe(500)
    expect(config.schedulerEnabled).toBe(true)
    expect(config.webhooks).toEqual({ inServer: true, pollMs: 1000, secretsKey: null, previousSecretsKeys: [] })
    expect(config.carts).toEqual({ emptyTtlHours: 6, anonymousTtlDays: 30, customerTtlDays: 90 })
    expect(config.accessTokenTtlMinutes).toBe(15)
    expect(config.refreshTokenTtlDays).toBe(30)
  })

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'postgres:///comptoir' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'postgres:///comptoir?host=relative/dir' }, /DATABASE_URL/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET/],
    [{ GRAPHIQL: 'maybe' }, /GRAPHIQL/],
    [{ SCHEDULER_ENABLED: 'yes' }, /SCHEDULER_ENABLED/],
    [{ WEBHOOKS_IN_SERVER: 'no' }, /WEBHOOKS_IN_SERVER/],
    [{ WEBHOOK_POLL_MS: '0' }, /WEBHOOK_POLL_MS/],
    [{ WEBHOOKS_IN_SERVER: 'false' }, /WEBHOOKS_IN_SERVER=false needs DATABASE_URL/],
    [{ CART_EMPTY_TTL_HOURS: '0' }, /CART_EMPTY_TTL_HOURS/],
    [{ TRUST_PROXY: 'proxy.internal' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY/],
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL/],
    [{ RATE_LIMIT_REQUESTS_PER_MINUTE: '-1' }, /RATE_LIMIT_REQUESTS_PER_MINUTE/],
    [{ ACCESS_TOKEN_TTL_MINUTES: '16' }, /ACCESS_TOKEN_TTL_MINUTES/],
    [{ ACCESS_TOKEN_TTL_MINUTES: '720' }, /ACCESS_TOKEN_TTL_MINUTES/],
    [{ REFRESH_TOKEN_TTL_DAYS: '0' }, /REFRESH_TOKEN_TTL_DAYS/],
  ])('names the variable at fault: %j', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(pattern)
  })

  it.each([
    { JWT_SECRET: 'short-but-secret' },
    { DATABASE_URL: 'mysql://admin:hunter2@db/x' },
    { STRIPE_SECRET_KEY: 'pk_live_wrong_kind_but_secret' },
    { REDIS_URL: 'http://default:hunter2@cache:6379' },
    { WEBHOOK_SECRETS_KEY: 'too-short-sealing-key' },
    { WEBHOOK_SECRETS_PREVIOUS_KEYS: `${'p'.repeat(32)},short-old-key` },
  ])('never repeats a secret it refuses: %j', (env) => {
    const secret = Object.values(env)[0]!
    expect(() => loadConfig(env)).toThrow(/value not shown/)
    try {
      loadConfig(env)
    } catch (error) {
      expect(String(error)).not.toContain(secret)
    }
  })

  it('reads where the webhooks are sent from', () => {
    expect(
      loadConfig({
        WEBHOOKS_IN_SERVER: 'false',
        WEBHOOK_POLL_MS: '250',
        DATABASE_URL: 'postgres://app@db/comptoir',
        PAYMENT_PROVIDER: 'offline',
      }).webhooks,
    ).toEqual({
      inServer: false,
      pollMs: 250,
      secretsKey: null,
      previousSecretsKeys: [],
    })
  })

  it('reads the limits: the per-client budget is on by default but off under test (no sockets there), 0 turns it off', () => {
    expect(loadConfig({}).limits).toEqual({ redisUrl: null, trustProxy: '', requestsPerMinute: 600 })
    expect(loadConfig({ NODE_ENV: 'test' }).limits.requestsPerMinute).toBe(0)
    expect(loadConfig({ NODE_ENV: 'test', RATE_LIMIT_REQUESTS_PER_MINUTE: '20' }).limits.requestsPerMinute).toBe(20)
    expect(loadConfig({ RATE_LIMIT_REQUESTS_PER_MINUTE: '0' }).limits.requestsPerMinute).toBe(0)
    expect(
      loadConfig({ REDIS_URL: 'redis://cache:6379/0', TRUST_PROXY: '10.0.0.0/8, 192.168.1.7, fd00::/8' }).limits,
    ).toMatchObject({ redisUrl: 'redis://cache:6379/0', trustProxy: '10.0.0.0/8, 192.168.1.7, fd00::/8' })
  })

  it('takes a Unix socket directory as the database host', () => {
    const url = 'postgres:///comptoir?host=/var/run/postgresql&user=postgres'
    expect(loadConfig({ DATABASE_URL: url, PAYMENT_PROVIDER: 'offline' }).database).toMatchObject({
      kind: 'postgres',
      url,
    })
  })

  it('behind a transaction pooler turns prepared statements off unless told otherwise, and refuses other pool modes', () => {
    const base = { DATABASE_URL: 'postgres://pgbouncer:6432/comptoir', PAYMENT_PROVIDER: 'offline' }
    expect(loadConfig(base).database).toMatchObject({ poolMode: 'session', preparedStatements: true })
    expect(loadConfig({ ...base, DATABASE_POOL_MODE: 'transaction' }).database).toMatchObject({
      poolMode: 'transaction',
      preparedStatements: false,
    })
    expect(
      loadConfig({ ...base, DATABASE_POOL_MODE: 'transaction', DATABASE_PREPARED_STATEMENTS: 'true' }).database,
    ).toMatchObject({ poolMode: 'transaction', preparedStatements: true })
    expect(loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: 'false' }).database).toMatchObject({
      preparedStatements: false,
    })
    expect(() => loadConfig({ ...base, DATABASE_POOL_MODE: 'statement' })).toThrow(ConfigError)
    expect(() => loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: 'maybe' })).toThrow(/DATABASE_PREPARED_STATEMENTS/)
  })

  it('refuses a production start without a database, a signing key, a sealing key, or with the demo seed', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/comptoir',
      JWT_SECRET: 'x'.repeat(32),
      WEBHOOK_SECRETS_KEY: 'k'.repeat(32),
      STRIPE_SECRET_KEY: 'sk_live_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
    }
    expect(loadConfig(production).seedOnStart).toBe(false)
    expect(loadConfig(production).graphql.introspection).toBe(false)
    expect(() => loadConfig({ ...production, DATABASE_URL: undefined })).toThrow(/DATABASE_URL/)
    expect(() => loadConfig({ ...production, JWT_SECRET: undefined })).toThrow(/JWT_SECRET/)
    expect(() => loadConfig({ ...production, WEBHOOK_SECRETS_KEY: undefined })).toThrow(/WEBHOOK_SECRETS_KEY/)
    expect(
      loadConfig({ ...production, WEBHOOK_SECRETS_PREVIOUS_KEYS: ` ${'a'.repeat(32)}, ${'b'.repeat(32)} ` }).webhooks,
    ).toMatchObject({
      secretsKey: 'k'.repeat(32),
      previousSecretsKeys: ['a'.repeat(32), 'b'.repeat(32)],
    })
    expect(() => loadConfig({ ...production, SEED_ON_START: 'true' })).toThrow(/SEED_ON_START/)
    // The offline payment provider authorises everything: it can never be chosen in production.
    expect(() => loadConfig({ ...production, STRIPE_SECRET_KEY: undefined })).toThrow(/STRIPE_SECRET_KEY/)
    expect(() => loadConfig({ ...production, STRIPE_WEBHOOK_SECRET: undefined })).toThrow(/STRIPE_WEBHOOK_SECRET/)
    expect(loadConfig({ ...production, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).stripe?.apiBase).toEqual({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
    })
  })

  it('lets a database tool (migrate, import) run in production with the database alone', () => {
    const tool = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/comptoir' }
    expect(() => loadConfig(tool)).toThrow(/JWT_SECRET/)
    expect(loadConfig(tool, 'database-tool').database).toMatchObject({ kind: 'postgres', url: tool.DATABASE_URL })
    expect(() => loadConfig({ NODE_ENV: 'production' }, 'database-tool')).toThrow(/DATABASE_URL/)
    // The webhook sender opens the signing secrets: the sealing key, none of the server's others.
    expect(() => loadConfig(tool, 'webhook-sender')).toThrow(/WEBHOOK_SECRETS_KEY/)
    expect(loadConfig({ ...tool, WEBHOOK_SECRETS_KEY: 'k'.repeat(32) }, 'webhook-sender').webhooks.secretsKey).toBe(
      'k'.repeat(32),
    )
  })
})

describe('safe defaults', () => {
  const realDatabase = { DATABASE_URL: 'postgres://db/comptoir' }

  it('approves payments offline on the embedded demo database only, or when told by name', () => {
    expect(loadConfig({}).stripe).toBeNull()
    expect(() => loadConfig(realDatabase)).toThrow(
      /STRIPE_SECRET_KEY is required with DATABASE_URL.*PAYMENT_PROVIDER=offline/,
    )
    expect(loadConfig({ ...realDatabase, PAYMENT_PROVIDER: 'offline' }).stripe).toBeNull()
    const stripe = { STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }
    expect(loadConfig({ ...realDatabase, ...stripe }).stripe?.secretKey).toBe('sk_test_abc')
    expect(() => loadConfig({ ...realDatabase, ...stripe, PAYMENT_PROVIDER: 'offline' })).toThrow(/contradicts/)
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'stripe' })).toThrow(/PAYMENT_PROVIDER=stripe needs/)
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'cash' })).toThrow(/PAYMENT_PROVIDER/)
  })

  it('reads the metrics token and port, and refuses a short token or the public port', () => {
    expect(loadConfig({}).metrics).toEqual({ token: null, port: null })
    const token = 'scrape-token-0123456789'
    expect(loadConfig({ METRICS_TOKEN: token, METRICS_PORT: '9464' }).metrics).toEqual({ token, port: 9464 })
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN.*value not shown/)
    expect(() => loadConfig({ METRICS_PORT: '4000' })).toThrow(/METRICS_PORT must differ from PORT/)
  })

  it('takes CORS origins as a list of exact origins, none by default', () => {
    expect(loadConfig({}).graphql.corsOrigins).toEqual([])
    expect(loadConfig({ CORS_ORIGINS: 'https://shop.example, http://localhost:3000' }).graphql.corsOrigins).toEqual([
      'https://shop.example',
      'http://localhost:3000',
    ])
    for (const bad of ['*', 'https://shop.example/', 'shop.example', 'https://shop.example/path', 'ftp://x.example']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/)
    }
  })
})

describe('the server process', () => {
  it('stops at once with one clear line when a variable is bad', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(run.status).toBe(1)
    const lines = run.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Invalid configuration: PORT /)
  })
})
