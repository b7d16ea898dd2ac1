import { describe, expect, it } from 'vitest'
import { readNodeSettings } from './settings.ts'

const problemsOf = (env: Record<string, string>) => {
  const result = readNodeSettings(env)
  return result.ok ? [] : result.problems
}

describe('readNodeSettings', () => {
  it('reads nothing set as development on 127.0.0.1:8787 with the database in .data', () => {
    expect(readNodeSettings({})).toEqual({
      ok: true,
      settings: {
        environment: 'development',
        port: 8787,
        host: '127.0.0.1',
        dataDir: '.data',
        databaseUrl: 'file:.data/gateway.db',
        synchronous: 'NORMAL',
        locking: 'NORMAL',
        trustProxyHops: 0,
        idleTimeoutSeconds: 60,
        corsOrigins: [],
        accessLog: false,
        compression: true,
      },
    })
  })

  it('reads every empty or blank variable as unset, never as an empty address or path', () => {
    const names = [
      'NODE_ENV',
      'PORT',
      'HOST',
      'DATA_DIR',
      'DATABASE_URL',
      'DATABASE_AUTH_TOKEN',
      'SQLITE_SYNCHRONOUS',
      'SQLITE_LOCKING',
      'TRUST_PROXY_HOPS',
      'IDLE_TIMEOUT_SECONDS',
      'CONTACT_TOKEN_TTL_SECONDS',
      'CORS_ORIGINS',
      'ACCESS_LOG',
      'COMPRESSION',
    ]
    for (const blank of ['', ' ']) {
      const env = Object.fromEntries(names.map((name) => [name, blank]))
      expect(readNodeSettings(env)).toEqual(readNodeSettings({}))
    }
  })

  it('keeps the default database in DATA_DIR', () => {
    const result = readNodeSettings({ DATA_DIR: '/var/lib/gateway' })
    expect(result.ok && result.settings.databaseUrl).toBe('file:/var/lib/gateway/gateway.db')
  })

  it.each([
    ['production', 'production'],
    ['Production', 'production'],
    ['PRODUCTION', 'production'],
    ['development', 'development'],
    ['Development', 'development'],
  ])('reads NODE_ENV=%s as %s', (value, environment) => {
    const result = readNodeSettings({ NODE_ENV: value })
    expect(result.ok && result.settings.environment).toBe(environment)
  })

  it.each(['prod', 'staging', 'test', 'productio'])('refuses NODE_ENV=%s', (value) => {
    expect(problemsOf({ NODE_ENV: value })).toEqual([
      `NODE_ENV must be production or development (or unset: development), not "${value}"`,
    ])
  })

  it.each([
    ['0', 0],
    ['80', 80],
    ['08080', 8080],
    ['65535', 65535],
  ])('reads PORT=%s as %d', (value, port) => {
    const result = readNodeSettings({ PORT: value })
    expect(result.ok && result.settings.port).toBe(port)
  })

  it.each(['0x2000', '1e4', '80.0', '-1', '65536', ' 80', '8_0', '+80', 'http'])(
    'refuses PORT=%s',
    (value) => {
      expect(problemsOf({ PORT: value })).toEqual([
        `PORT must be a port number from 0 to 65535 in decimal digits, not "${value}"`,
      ])
    },
  )

  it.each(['0x10', '1e1', '-1', '1.5', 'one'])('refuses TRUST_PROXY_HOPS=%s', (value) => {
    expect(problemsOf({ TRUST_PROXY_HOPS: value })).toEqual([
      `TRUST_PROXY_HOPS must be a whole number in decimal digits, not "${value}"`,
    ])
  })

  it.each([
    ['1', 1],
    ['060', 60],
    ['3600', 3600],
  ])('reads IDLE_TIMEOUT_SECONDS=%s as %d', (value, seconds) => {
    const result = readNodeSettings({ IDLE_TIMEOUT_SECONDS: value })
    expect(result.ok && result.settings.idleTimeoutSeconds).toBe(seconds)
  })

  it.each(['0', '3601', '1e2', '0x3c', '1.5', '-1', ' 60', '60s'])(
    'refuses IDLE_TIMEOUT_SECONDS=%s',
    (value) => {
      expect(problemsOf({ IDLE_TIMEOUT_SECONDS: value })).toEqual([
        `IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600 in decimal digits, not "${value}"`,
      ])
    },
  )

  it('reads SQLite modes in any letter case', () => {
    const result = readNodeSettings({ SQLITE_SYNCHRONOUS: 'full', SQLITE_LOCKING: 'Exclusive' })
    expect(result.ok && result.settings).toMatchObject({
      synchronous: 'FULL',
      locking: 'EXCLUSIVE',
    })
  })

  it.each([
    ['on', true],
    ['ON', true],
    ['off', false],
    ['Off', false],
  ])('reads ACCESS_LOG=%s as %s', (value, accessLog) => {
    const result = readNodeSettings({ ACCESS_LOG: value })
    expect(result.ok && result.settings.accessLog).toBe(accessLog)
  })

  it.each(['1', 'true', 'yes', 'json', ' on'])('refuses ACCESS_LOG=%s', (value) => {
    expect(problemsOf({ ACCESS_LOG: value })).toEqual([
      `ACCESS_LOG must be on or off (or unset: off), not "${value}"`,
    ])
  })

  it.each([
    ['off', false],
    ['OFF', false],
    ['on', true],
  ])('reads COMPRESSION=%s as %s', (value, compression) => {
    const result = readNodeSettings({ COMPRESSION: value })
    expect(result.ok && result.settings.compression).toBe(compression)
  })

  it.each(['gzip', '0', 'false'])('refuses COMPRESSION=%s', (value) => {
    expect(problemsOf({ COMPRESSION: value })).toEqual([
      `COMPRESSION must be on or off (or unset: on), not "${value}"`,
    ])
  })

  it('reports every problem at once', () => {
    expect(
      problemsOf({
        PORT: '1e4',
        SQLITE_LOCKING: 'shared',
        CORS_ORIGINS: 'https://app.example/',
        CONTACT_TOKEN_TTL_SECONDS: '1h',
      }),
    ).toEqual([
      'PORT must be a port number from 0 to 65535 in decimal digits, not "1e4"',
      'SQLITE_LOCKING must be NORMAL or EXCLUSIVE, not "shared"',
      'CONTACT_TOKEN_TTL_SECONDS must be a whole number of seconds from 60 to 2592000',
      'CORS_ORIGINS entry "https://app.example/" is not an origin as browsers send it: write "https://app.example"',
    ])
  })
})
