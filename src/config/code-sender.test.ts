import { describe, expect, it } from 'vitest'
import { parseCodeSender } from './code-sender.ts'

const SECRET = 'whsec_0123456789abcdef'
const WEBHOOK = { CODE_WEBHOOK_URL: 'https://mail.example/codes', CODE_WEBHOOK_SECRET: SECRET }

describe('parseCodeSender', () => {
  it('writes codes to the log in development when no webhook is set', () => {
    expect(parseCodeSender({}, false)).toEqual({ ok: true, config: { kind: 'log' } })
  })

  it('reads blank variables as unset, as every other setting is read', () => {
    const blank = { CODE_WEBHOOK_URL: ' ', CODE_WEBHOOK_SECRET: '\t', CODE_WEBHOOK_TIMEOUT_MS: ' ' }
    expect(parseCodeSender(blank, false)).toEqual(parseCodeSender({}, false))
    expect(parseCodeSender(blank, true)).toEqual(parseCodeSender({}, true))
  })

  it('refuses production without a webhook, naming the variable', () => {
    const result = parseCodeSender({ CODE_WEBHOOK_URL: '' }, true)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.problems.join()).toMatch(/^CODE_WEBHOOK_URL is not set/)
  })

  it.each([true, false])('reads a webhook with its secret (production: %s)', (production) => {
    expect(parseCodeSender(WEBHOOK, production)).toEqual({
      ok: true,
      config: { kind: 'webhook', url: WEBHOOK.CODE_WEBHOOK_URL, secret: SECRET, timeoutMs: 5000 },
    })
  })

  it.each(['1500', 1500])(
    'reads CODE_WEBHOOK_TIMEOUT_MS %j (text, or a TOML number)',
    (timeout) => {
      const result = parseCodeSender({ ...WEBHOOK, CODE_WEBHOOK_TIMEOUT_MS: timeout }, true)
      expect(result.ok && result.config).toMatchObject({ timeoutMs: 1500 })
    },
  )

  it.each([
    [{ ...WEBHOOK, CODE_WEBHOOK_SECRET: undefined }, true, 'CODE_WEBHOOK_SECRET'],
    [{ ...WEBHOOK, CODE_WEBHOOK_SECRET: 'short' }, false, 'CODE_WEBHOOK_SECRET'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'not a url' }, false, 'CODE_WEBHOOK_URL'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'http://mail.example/codes' }, true, 'https'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'ftp://mail.example/codes' }, false, 'CODE_WEBHOOK_URL'],
    [{ ...WEBHOOK, CODE_WEBHOOK_TIMEOUT_MS: '5s' }, false, 'CODE_WEBHOOK_TIMEOUT_MS'],
    [{ ...WEBHOOK, CODE_WEBHOOK_TIMEOUT_MS: '99' }, false, 'CODE_WEBHOOK_TIMEOUT_MS'],
    [{ ...WEBHOOK, CODE_WEBHOOK_TIMEOUT_MS: 99 }, false, 'CODE_WEBHOOK_TIMEOUT_MS'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'https://u:p@mail.example/codes' }, true, 'credentials'],
    [{ ...WEBHOOK, CODE_WEBHOOK_SECRET: 'replace-with-a-long-random-secret' }, true, 'placeholder'],
    [{ ...WEBHOOK, CODE_WEBHOOK_SECRET: 'whsec_0123456789\nabcdef' }, true, 'visible ASCII'],
    [{ ...WEBHOOK, CODE_WEBHOOK_SECRET: 'whsec_0123456789 abcdef' }, true, 'visible ASCII'],
    [{ ...WEBHOOK, CODE_WEBHOOK_SECRET: 'whsec_0123456789abcdéf' }, true, 'visible ASCII'],
    [{ CODE_WEBHOOK_SECRET: SECRET }, false, 'CODE_WEBHOOK_URL is not'],
    [{ CODE_WEBHOOK_TIMEOUT_MS: 'abc' }, false, 'CODE_WEBHOOK_URL is not'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'https://mail.example:25/codes' }, true, 'port 25'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'http://127.0.0.1:6000/codes' }, false, 'bad port'],
    [{ ...WEBHOOK, CODE_WEBHOOK_URL: 'http://127.0.0.1:9/codes' }, false, 'bad port'],
  ])('refuses %j (production: %s), naming %s and no value', (env, production, named) => {
    const result = parseCodeSender(env, production)
    expect(result.ok).toBe(false)
    const problems = result.ok ? '' : result.problems.join('; ')
    expect(problems).toContain(named)
    expect(problems).not.toContain(SECRET)
  })

  it.each(['https://mail.example:443/codes', 'https://mail.example:8443/codes'])(
    'accepts a webhook on a port fetch connects to (%s)',
    (url) => {
      expect(parseCodeSender({ ...WEBHOOK, CODE_WEBHOOK_URL: url }, true).ok).toBe(true)
    },
  )

  it('refuses every port fetch refuses, as fetch does', async () => {
    for (const port of [1, 25, 587, 6000, 6697, 10080]) {
      const url = `http://127.0.0.1:${port}/codes`
      expect(parseCodeSender({ ...WEBHOOK, CODE_WEBHOOK_URL: url }, false).ok).toBe(false)
      await expect(fetch(url, { method: 'POST' })).rejects.toMatchObject({
        cause: { message: 'bad port' },
      })
    }
  })

  it('accepts a plain-http webhook in development (a local mail catcher)', () => {
    const env = { ...WEBHOOK, CODE_WEBHOOK_URL: 'http://127.0.0.1:1025/codes' }
    expect(parseCodeSender(env, false).ok).toBe(true)
  })
})
