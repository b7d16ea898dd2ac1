import { makeTarget } from '#target'
import { describe, expect, it } from 'vitest'
import { bearer, CONTACTS } from '../support/opencx.ts'
import { authed, createUserRequest, USERS } from '../support/requests.ts'

type Target = Awaited<ReturnType<typeof makeTarget>>

const usersTotal = async (t: Target) => {
  const res = await t.request(`${USERS}?limit=1`, authed())
  const total = ((await res.json()) as { total: number }).total
  expect(res.headers.get('X-Total-Count')).toBe(String(total))
  return total
}

const contactsTotal = async (t: Target) =>
  ((await (await t.request(`${CONTACTS}?limit=1`, bearer())).json()) as { total: number }).total

const authenticate = (t: Target, email: string) =>
  t.request('/widget/authenticate-user', {
    method: 'POST',
    headers: { ...bearer().headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  })

describe('collection totals (row_counts, kept by triggers)', () => {
  it('count every create and delete of AmazonUsers, through the API or straight SQL', async () => {
    const t = await makeTarget()
    expect(await usersTotal(t)).toBe(0)
    const created = await t.request(USERS, createUserRequest('application/json'))
    const { _id: id } = (await created.json()) as { _id: string }
    await t.request(USERS, createUserRequest('application/json'))
    expect(await usersTotal(t)).toBe(2)
    await t.query(
      `INSERT INTO alexa_users (id, created_at, last_changed, created_by, last_changed_by,
        access_token, refresh_token) VALUES ('x', '2025-01-01', '2025-01-01', 'o', 'o', 'a', 'r')`,
    )
    expect(await usersTotal(t)).toBe(3)
    expect(
      (await t.request(`${USERS}/${id}`, authed('application/json', { method: 'DELETE' }))).status,
    ).toBe(204)
    await t.query(`DELETE FROM alexa_users WHERE id = 'x'`)
    expect(await usersTotal(t)).toBe(1)
  })

  it('count a contact once however often it authenticates (an upsert that updates adds none)', async () => {
    const t = await makeTarget()
    for (const email of ['a@x.org', 'A@x.org', 'b@x.org', 'a@x.org'])
      expect((await authenticate(t, email)).status).toBe(200)
    expect(await contactsTotal(t)).toBe(2)
    const rows = await t.query<{ n: number }>('SELECT COUNT(*) AS n FROM contacts')
    expect(rows[0]!.n).toBe(2)
  })
})
