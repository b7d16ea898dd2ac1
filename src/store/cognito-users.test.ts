import { createClient } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import { readMigrations } from '../runtime/node/migrations.ts'
import { cognitoUsers, type IssueCode } from './cognito-users.ts'
import { libsqlDatabase } from './libsql.ts'
import { applyMigrations } from './migrate.ts'

const NOW = Date.parse('2026-01-02T03:04:05.000Z')
const MINUTE = 60_000
const OLD_HASH = 'a'.repeat(64)

/** A database migrated up to 0009, with a user and a code as sends stored them before 0010. */
const before0010 = async () => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  await applyMigrations(
    db,
    (await readMigrations()).filter((m) => m.name < '0010'),
  )
  await db.batch([
    {
      sql: `INSERT INTO cognito_users (id, email, status, attributes, settings, created_at, updated_at)
        VALUES ('u1', 'ada@example.com', 'UNCONFIRMED', '{}', '{}', '', '')`,
      params: [],
    },
    {
      sql: `INSERT INTO cognito_codes (user_id, code_hash, expires_at, attempts, sends, window_start)
        VALUES ('u1', ?, ?, 1, 5, ?)`,
      params: [OLD_HASH, NOW + 10 * MINUTE, NOW - 5 * MINUTE],
    },
  ])
  return db
}

const issue = (sendId: string, clientKey: string): IssueCode => ({
  newUserId: 'unused',
  email: 'ada@example.com',
  attributes: {},
  hash: `${sendId}`.padEnd(64, '0'),
  now: NOW,
  expiresAt: NOW + 15 * MINUTE,
  sendId,
  clientKey,
  maxSends: 20,
  maxClientSends: 5,
  windowMs: 15 * MINUTE,
})

describe('migration 0010 on a database with codes', () => {
  it('keeps an old pending code confirmable', async () => {
    const db = await before0010()
    await applyMigrations(db, await readMigrations())
    expect(await cognitoUsers(db).confirm('u1', OLD_HASH, NOW, {})).toBe(true)
  })

  it("keeps an old row's sends in the address's window, and starts every network at none", async () => {
    const db = await before0010()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    expect(await users.sendCounts('ada@example.com', 'net-a')).toEqual({
      address: { sends: 6, windowStart: NOW - 5 * MINUTE },
      client: { sends: 1, windowStart: NOW },
    })
  })

  it('withdraws a send made after it back to the old code, uncounted', async () => {
    const db = await before0010()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    const rows = () => db.all('SELECT * FROM cognito_codes')
    const old = await rows()
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    await users.withdrawSend({ userId: 'u1', sendId: 's1', clientKey: 'net-a', now: NOW })
    expect(await rows()).toEqual(old)
    expect(await users.sendCounts('ada@example.com', 'net-a')).toMatchObject({
      client: { sends: 0 },
    })
    expect(await users.confirm('u1', OLD_HASH, NOW, {})).toBe(true)
  })
})
