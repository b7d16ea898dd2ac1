import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { emailAddress, isEmailAddress } from './email-address.ts'

describe('isEmailAddress', () => {
  it.each([
    "o'brien@example.com",
    'user@xn--bcher-kva.example',
    'user%tag@example.com',
    'user@sub_domain.example.com',
    'first.last+tag@example.co.uk',
    "!#$%&'*+/=?^_`{|}~-@example.com",
    'a@b.co',
    `${'l'.repeat(64)}@example.com`,
  ])('accepts %s', (address) => {
    expect(isEmailAddress(address)).toBe(true)
  })

  it.each([
    'not-an-email',
    'two@@example.com',
    'a@b@example.com',
    '.lead@example.com',
    'trail.@example.com',
    'a..b@example.com',
    'user@localhost',
    'user@1.2.3.4',
    'user@[127.0.0.1]',
    'user@-bad.example.com',
    'user@bad-.example.com',
    'user@example..com',
    '"quoted"@example.com',
    'josé@example.com',
    'sp ace@example.com',
    `${'l'.repeat(65)}@example.com`,
    `user@${'d'.repeat(64)}.com`,
  ])('refuses %s', (address) => {
    expect(isEmailAddress(address)).toBe(false)
  })
})

describe('emailAddress', () => {
  it('trims the address, then checks it', () => {
    expect(v.parse(emailAddress(), "  o'brien@example.com ")).toBe("o'brien@example.com")
    expect(v.safeParse(emailAddress(), 'a..b@example.com').issues?.[0]?.message).toBe(
      'must be an email address',
    )
  })
})
