import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TEST_ENV } from '../../test/support/deterministic.ts'
import { parseSecrets } from './secrets.ts'

const problemsOf = (env: Record<string, string>) => {
  const result = parseSecrets({ ...TEST_ENV, ...env })
  return result.ok ? [] : result.problems
}

describe('parseSecrets', () => {
  it('accepts tokens and keys with every character their headers carry', () => {
    expect(
      problemsOf({
        ORG_TOKENS: 'org_Az09-._~+/token==, second-org-token-0123',
        API_KEYS: 'ck!"#$%&\'()*:;<>?@[]^`{|}0123, key with inner spaces 0123',
      }),
    ).toEqual([])
  })

  it.each([
    ['a bearer token cannot carry', 'ORG_TOKENS', 'org!token:with#chars1234'],
    ['= before the end of', 'ORG_TOKENS', 'org=token-0123456789abcdef'],
    ['a space inside', 'ORG_TOKENS', 'org token 0123456789abcdef'],
    ['a non-ASCII character in', 'API_KEYS', 'schlüssel-0123456789abcdef'],
    ['a control character in', 'API_KEYS', 'key\u0001-0123456789abcdef'],
  ])('refuses %s an entry, naming the variable and never the value', (_, name, value) => {
    const problems = problemsOf({ [name]: `${TEST_ENV[name as keyof typeof TEST_ENV]},${value}` })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(new RegExp(`^${name} entries may hold only`))
    expect(problems[0]).not.toContain(value)
  })

  // The values of the example file a newcomer copies are public: none of them may serve.
  const example = Object.fromEntries(
    [...readFileSync('.dev.vars.example', 'utf8').matchAll(/^([A-Z_]+)="(.*)"$/gm)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  )

  it.each(['API_KEYS', 'ORG_TOKENS', 'TOKEN_SECRET', 'ENCRYPTION_KEY'])(
    "refuses the example file's %s, naming the variable",
    (name) => {
      expect(example[name]).toBeDefined()
      const problems = problemsOf({ [name]: example[name]! })
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(
        new RegExp(`^${name} (holds an example's placeholder|is 32 equal bytes)`),
      )
    },
  )

  it.each(['<api-key>', 'changeme-0123456789abcdef', 'REPLACE_ME_0123456789abcdef'])(
    'refuses the placeholder %j as an API key',
    (value) => {
      expect(problemsOf({ API_KEYS: value.padEnd(16, '0') })).toEqual([
        "API_KEYS holds an example's placeholder: set a random value of your own",
      ])
    },
  )
})
