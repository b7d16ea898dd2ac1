import { describe, expect, it } from 'vitest'
import { apiKey } from './api-key.ts'
import { contactToken } from './contact-token.ts'
import { orgToken } from './org-token.ts'
import { securityOf } from './security-scheme.ts'

const named = (middleware: ReturnType<typeof apiKey>[]) => ({ name: 'op', middleware })

describe('securityOf', () => {
  it('reads the credentials from the middleware that checks them', () => {
    expect(securityOf(named([apiKey()]))).toBe('apiKey')
    expect(securityOf(named([orgToken()]))).toBe('orgToken')
    expect(securityOf(named([contactToken()]))).toBe('contactToken')
  })

  it('finds none where no middleware checks credentials', () => {
    expect(securityOf({ name: 'op' })).toBeUndefined()
    expect(securityOf(named([async (_c, next) => next()]))).toBeUndefined()
  })

  it('refuses a route that would demand two kinds at once', () => {
    expect(() => securityOf(named([apiKey(), orgToken()]))).toThrow(/more than one/)
  })
})
