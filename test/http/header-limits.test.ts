import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { API_KEY } from '../support/deterministic.ts'
import { createUserRequest, USERS } from '../support/requests.ts'

const HUGE = 'a'.repeat(4 * 1024 + 1)

describe('header size limits', () => {
  it.each([
    ['Accept', `application/json, ${'x/y;q=0.1, '.repeat(400)}`],
    ['Content-Type', `application/json; p=${HUGE}`],
    ['X-API-Key', HUGE],
    ['Authorization', `Bearer ${HUGE}`],
    ['Origin', `https://${HUGE}.example`],
  ])('answers a %s header over 4 KiB with a 431 problem naming it', async (name, value) => {
    const t = await makeTarget()
    const init = createUserRequest()
    const res = await t.request(USERS, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), [name]: value },
    })
    expect(res.status).toBe(431)
    expect(res.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8')
    expect(await res.json<any>()).toMatchObject({
      status: 431,
      code: 1051,
      details: { header: name, maxBytes: 4096 },
    })
    expect(await t.query('SELECT id FROM alexa_users')).toHaveLength(0)
  })

  it('accepts a header of exactly 4 KiB', async () => {
    const t = await makeTarget()
    const accept = `application/json;p=${'a'.repeat(4096 - 'application/json;p='.length)}`
    const res = await t.request(USERS, { headers: { 'X-API-Key': API_KEY, Accept: accept } })
    expect(res.status).toBe(200)
  })

  it('does not count an oversized wrong key as an authentication failure', async () => {
    const t = await makeTarget({ limits: { authFailures: 1 } })
    const headers = { 'X-API-Key': HUGE, 'CF-Connecting-IP': '203.0.113.7' }
    expect((await t.request(USERS, { headers })).status).toBe(431)
    expect((await t.request(USERS, { headers })).status).toBe(431)
    headers['X-API-Key'] = API_KEY
    expect((await t.request(USERS, { headers })).status).toBe(200)
  })
})
