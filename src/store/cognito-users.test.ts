import { createClient } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import { readMigrations } from '../runtime/node/migrations.ts'
import { cognitoUsers, type IssueCode } from './cognito-users.ts'
import { libsqlDatabase } from './libsql.ts'
import { applyMigrations } from './migrate.ts'
import type { SqlDatabase } from './sql.ts'

const NOW = Date.parse('2026-01-02T03:04:05.000Z')
const MINUTE = 60_000
const OLD_HASH = 'a'.repeat(64)
const OLDER_HASH = 'b'.repeat(64)

/** A database migrated up to the migration before `next`. */
const migratedUpTo = async (next: string) => {
  const db = libsqlDatabase(createClient({ url: ':memory:' }))
  await applyMigrations(
    db,
    (await readMigrations()).filter((m) => m.name < next),
  )
  return db
}

/** A database migrated up to 0009, with a user and a code as sends stored them before 0010. */
const before0010 = async () => {
  const db = await migratedUpTo('0010')
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

const issue = (sendId: string, clientKey: string, now = NOW): IssueCode => ({
  newUserId: 'unused',
  email: 'ada@example.com',
  attributes: {},
  hash: `${sendId}`.padEnd(64, '0'),
  now,
  expiresAt: now + 15 * MINUTE,
  sendId,
  sendingUntil: now + MINUTE,
  clientKey,
  maxSends: 20,
  maxClientSends: 5,
  maxClientIssued: 20,
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
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 6, windowStart: NOW - 5 * MINUTE },
      client: { sends: 1, issued: 1, windowStart: NOW },
      sendingUntil: NOW + MINUTE,
    })
  })

  it('withdraws a send made after it back to the old code, uncounted', async () => {
    const db = await before0010()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    const rows = () => db.all('SELECT * FROM cognito_codes')
    const old = await rows()
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    await users.withdrawSend({ userId: 'u1', sendId: 's1', clientKey: 'net-a' })
    expect(await rows()).toEqual(old)
    expect(await users.sendState('ada@example.com', 'net-a')).toMatchObject({
      client: { sends: 0 },
    })
    expect(await users.confirm('u1', OLD_HASH, NOW, {})).toBe(true)
  })
})

/** A database migrated up to 0010, with a code a send stored then, displacing an older one. */
const before0011 = async () => {
  const db = await migratedUpTo('0011')
  await db.batch([
    {
      sql: `INSERT INTO cognito_users (id, email, status, attributes, settings, created_at, updated_at)
        VALUES ('u1', 'ada@example.com', 'UNCONFIRMED', '{}', '{}', '', '')`,
      params: [],
    },
    {
      sql: `INSERT INTO cognito_codes (user_id, code_hash, expires_at, attempts, sends,
          window_start, send_id, displaced_hash, displaced_expires_at, displaced_attempts,
          displaced_send_id)
        VALUES ('u1', ?, ?, 1, 2, ?, 's0', ?, ?, 0, 'older')`,
      params: [OLD_HASH, NOW + 10 * MINUTE, NOW - 5 * MINUTE, OLDER_HASH, NOW + 5 * MINUTE],
    },
    {
      sql: `INSERT INTO cognito_code_sends (user_id, client_key, sends, window_start)
        VALUES ('u1', 'net-a', 2, ?)`,
      params: [NOW - 5 * MINUTE],
    },
  ])
  return db
}

describe('migration 0011 on a database with codes', () => {
  it('keeps an old pending code confirmable', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    expect(await cognitoUsers(db).confirm('u1', OLD_HASH, NOW, {})).toBe(true)
  })

  it('holds no old row: the next send is issued, and counted in the old windows', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.sendState('ada@example.com', 'net-a')).toMatchObject({
      sendingUntil: undefined,
    })
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 3, windowStart: NOW - 5 * MINUTE },
      client: { sends: 3, issued: 3, windowStart: NOW - 5 * MINUTE },
      sendingUntil: NOW + MINUTE,
    })
  })

  it('withdraws a send made after it back to the old code, refunded exactly', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    // All but the code the old one displaced: that one, long superseded, is not kept; and the
    // network's issued sends, which keep the withdrawn one.
    const rows = async () => ({
      codes: await db.all(
        `SELECT user_id, code_hash, expires_at, attempts, sends, window_start, send_id,
           sending_until FROM cognito_codes`,
      ),
      sends: await db.all(
        'SELECT user_id, client_key, sends, window_start FROM cognito_code_sends',
      ),
    })
    const old = await rows()
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    await users.withdrawSend({ userId: 'u1', sendId: 's1', clientKey: 'net-a' })
    expect(await rows()).toEqual(old)
    expect(await db.all('SELECT issued FROM cognito_code_sends')).toEqual([{ issued: 3 }])
    expect(await users.confirm('u1', OLD_HASH, NOW, {})).toBe(true)
  })
})

describe('one send in flight per address', () => {
  const send = (sendId: string, clientKey = 'net-a') => ({ userId: 'u1', sendId, clientKey })

  it('refuses another send, from any network, until the first ends', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    const held = await db.all('SELECT * FROM cognito_codes')
    expect(await users.issueCode(issue('s2', 'net-a'))).toBe(false)
    expect(await users.issueCode(issue('s3', 'net-b'))).toBe(false)
    expect(await db.all('SELECT * FROM cognito_codes')).toEqual(held)
    // Another send's end does not end this one.
    await users.finishSend(send('s2'))
    expect(await users.issueCode(issue('s4', 'net-b'))).toBe(false)
    await users.finishSend(send('s1'))
    expect(await users.issueCode(issue('s5', 'net-b'))).toBe(true)
  })

  it('forgets the displaced code once a send ends delivered', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    await users.finishSend(send('s1'))
    const [row] = await db.all<Record<string, unknown>>('SELECT * FROM cognito_codes')
    expect(row).toMatchObject({
      send_id: 's1',
      sending_until: null,
      displaced_hash: null,
      displaced_send_id: null,
    })
  })

  it('neither refunds nor withdraws a send whose code was used before it failed', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    await users.finishSend(send('s1'))
    expect(await users.issueCode(issue('s2', 'net-a'))).toBe(true)
    const counted = await users.sendState('ada@example.com', 'net-a')
    // The code of s2 reached the user, who confirms with it while its sender still waits;
    // then the sender fails as if the code had surely not left.
    expect(await users.confirm('u1', issue('s2', 'net-a').hash, NOW, {})).toBe(true)
    await users.withdrawSend(send('s2'))
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      ...counted,
      sendingUntil: undefined,
    })
    // Neither code confirms again, the one s2 displaced included.
    expect(await users.confirm('u1', issue('s1', 'net-a').hash, NOW, {})).toBe(false)
    expect(await users.confirm('u1', issue('s2', 'net-a').hash, NOW, {})).toBe(false)
    expect(await users.issueCode(issue('s3', 'net-a'))).toBe(true)
  })

  it('lets a send through once the one in flight is past its bound', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    expect(await users.issueCode(issue('s2', 'net-b', NOW + MINUTE - 1))).toBe(false)
    expect(await users.issueCode(issue('s2', 'net-b', NOW + MINUTE))).toBe(true)
  })

  it('keeps counting a send that overran its bound, and never brings its code back', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    expect(await users.issueCode(issue('s2', 'net-b', NOW + MINUTE))).toBe(true)
    await users.withdrawSend(send('s1', 'net-a'))
    // s1 stays counted (it may have arrived), and s2 still holds the address.
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 4, windowStart: NOW - 5 * MINUTE },
      client: { sends: 3, issued: 3, windowStart: NOW - 5 * MINUTE },
      sendingUntil: NOW + 2 * MINUTE,
    })
    await users.withdrawSend(send('s2', 'net-b'))
    const [row] = await db.all<Record<string, unknown>>('SELECT * FROM cognito_codes')
    expect(row).toMatchObject({ code_hash: null, send_id: null, sends: 3, sending_until: null })
  })

  it('never brings back the code of a send that overran its bound when the later send is withdrawn first', async () => {
    const db = await before0011()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    expect(await users.issueCode(issue('s2', 'net-b', NOW + MINUTE))).toBe(true)
    // s2 is refunded and its displaced code, s1's, is pending again, though not held.
    await users.withdrawSend(send('s2', 'net-b'))
    await users.withdrawSend(send('s1', 'net-a'))
    const [row] = await db.all<Record<string, unknown>>('SELECT * FROM cognito_codes')
    expect(row).toMatchObject({ code_hash: null, send_id: null, sends: 3, sending_until: null })
    expect(await users.confirm('u1', issue('s1', 'net-a').hash, NOW + MINUTE, {})).toBe(false)
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 3, windowStart: NOW - 5 * MINUTE },
      client: { sends: 3, issued: 3, windowStart: NOW - 5 * MINUTE },
      sendingUntil: undefined,
    })
  })
})

/** A database migrated up to the migration before `next`, with a user and no code yet. */
const withUser = async (next = '9999') => {
  const db = await migratedUpTo(next)
  await db.batch([
    {
      sql: `INSERT INTO cognito_users (id, email, status, attributes, settings, created_at, updated_at)
        VALUES ('u1', 'ada@example.com', 'UNCONFIRMED', '{}', '{}', '', '')`,
      params: [],
    },
  ])
  return db
}

/** A database migrated up to 0011, with a network's count for a code a send stored then. */
const before0012 = async () => {
  const db = await withUser('0012')
  await db.batch([
    {
      sql: `INSERT INTO cognito_codes (user_id, code_hash, expires_at, attempts, sends,
          window_start, send_id)
        VALUES ('u1', ?, ?, 0, 2, ?, 's0')`,
      params: [OLD_HASH, NOW + 10 * MINUTE, NOW - 5 * MINUTE],
    },
    {
      sql: `INSERT INTO cognito_code_sends (user_id, client_key, sends, window_start)
        VALUES ('u1', 'net-a', 2, ?)`,
      params: [NOW - 5 * MINUTE],
    },
  ])
  return db
}

/** Issues and withdraws sends from `clientKey` until one is refused: how many were issued. */
const issueAndWithdraw = async (db: SqlDatabase, clientKey: string, now = NOW) => {
  const users = cognitoUsers(db)
  for (let i = 0; i < 100; i++) {
    const sendId = `${clientKey}-${now}-${i}`
    if (!(await users.issueCode(issue(sendId, clientKey, now)))) return i
    await users.withdrawSend({ userId: 'u1', sendId, clientKey })
  }
  throw new Error('never refused')
}

describe('migration 0012 on a database with send counts', () => {
  it("keeps an old pending code confirmable, and starts a network's issued sends at its sends", async () => {
    const db = await before0012()
    await applyMigrations(db, await readMigrations())
    const users = cognitoUsers(db)
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 2, windowStart: NOW - 5 * MINUTE },
      client: { sends: 2, issued: 2, windowStart: NOW - 5 * MINUTE },
      sendingUntil: undefined,
    })
    expect(await users.confirm('u1', OLD_HASH, NOW, {})).toBe(true)
  })

  it("refuses an old row's network once its issued sends, counted on from its sends, reach 20", async () => {
    const db = await before0012()
    await applyMigrations(db, await readMigrations())
    expect(await issueAndWithdraw(db, 'net-a')).toBe(18)
    expect(await cognitoUsers(db).sendState('ada@example.com', 'net-a')).toMatchObject({
      client: { sends: 2, issued: 20 },
    })
  })
})

describe('withdrawn sends', () => {
  it('refuses a network its 21st send in a window though every one was withdrawn', async () => {
    const db = await withUser()
    const users = cognitoUsers(db)
    expect(await issueAndWithdraw(db, 'net-a')).toBe(20)
    const refused = await db.all('SELECT * FROM cognito_codes')
    expect(await users.issueCode(issue('again', 'net-a'))).toBe(false)
    expect(await db.all('SELECT * FROM cognito_codes')).toEqual(refused)
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 0, windowStart: NOW },
      client: { sends: 0, issued: 20, windowStart: NOW },
      sendingUntil: undefined,
    })
    // Another network is not refused; this one is once its window is over.
    expect(await issueAndWithdraw(db, 'net-b')).toBe(20)
    expect(await users.issueCode(issue('later', 'net-a', NOW + 15 * MINUTE - 1))).toBe(false)
    expect(await users.issueCode(issue('later', 'net-a', NOW + 15 * MINUTE))).toBe(true)
    expect(await users.sendState('ada@example.com', 'net-a')).toMatchObject({
      client: { sends: 1, issued: 1, windowStart: NOW + 15 * MINUTE },
    })
  })

  it('starts the windows at a withdrawn send', async () => {
    const db = await withUser()
    const users = cognitoUsers(db)
    expect(await users.issueCode(issue('s1', 'net-a'))).toBe(true)
    await users.withdrawSend({ userId: 'u1', sendId: 's1', clientKey: 'net-a' })
    const later = NOW + 10 * MINUTE
    for (let i = 0; i < 5; i++) {
      expect(await users.issueCode(issue(`s${i + 2}`, 'net-a', later))).toBe(true)
      await users.finishSend({ userId: 'u1', sendId: `s${i + 2}`, clientKey: 'net-a' })
    }
    expect(await users.sendState('ada@example.com', 'net-a')).toEqual({
      address: { sends: 5, windowStart: NOW },
      client: { sends: 5, issued: 6, windowStart: NOW },
      sendingUntil: undefined,
    })
    expect(await users.issueCode(issue('s7', 'net-a', NOW + 15 * MINUTE - 1))).toBe(false)
    expect(await users.issueCode(issue('s7', 'net-a', NOW + 15 * MINUTE))).toBe(true)
  })
})
