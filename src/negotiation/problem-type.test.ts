import { describe, expect, it } from 'vitest'
import { negotiateProblemType } from './problem-type.ts'

const offers = ['application/problem+json', 'application/problem+xml']

describe('negotiateProblemType', () => {
  it.each([
    ['application/problem+xml', 'application/problem+xml'],
    ['APPLICATION/PROBLEM+JSON', 'application/problem+json'],
    ['application/*+xml', 'application/problem+xml'],
    ['application/*+json, application/*+xml', 'application/problem+json'],
    ['application/*+xml, application/*+json', 'application/problem+xml'],
    ['application/*+json;q=0.5, application/*+xml', 'application/problem+xml'],
    ['application/problem+xml;q=0.2, application/*+json;q=0.9', 'application/problem+json'],
    ['application/*+xml, application/problem+xml;q=0', undefined],
    ['image/png', undefined],
    ['text/*+xml', undefined],
    ['', undefined],
  ])('Accept %j names %s', (accept, expected) => {
    expect(negotiateProblemType(accept, offers)).toBe(expected)
  })
})
