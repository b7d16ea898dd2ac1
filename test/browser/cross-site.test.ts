import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { GatewayProcess } from '../support/node-process.ts'
import { CHROMIUM, gatewayInChromium, hasChromium } from './chromium.ts'

/** A page of another site, and the origin of an SPA that CORS_ORIGINS lists. */
const EVIL = 'http://evil.localhost'
const APP = 'http://app.localhost'
const BLANK = '<!doctype html><html lang="en"><title>page</title><body></body></html>'

// A browser on a busy two-core runner is slow to start.
describe.skipIf(!hasChromium)(
  `another site's page against the ServiceStack operation, in Chromium (${CHROMIUM})`,
  { timeout: 60_000 },
  () => {
    let close: (() => Promise<void>) | undefined
    let gateway: GatewayProcess
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let op: string

    beforeAll(async () => {
      // The gateway listens on loopback while the pages pose as sites on the internet:
      // Chromium's Local Network Access would stop their requests before they reach it, which
      // it does not do to a gateway on the internet, the one these pages attack.
      ;({ gateway, browser, close } = await gatewayInChromium({ CORS_ORIGINS: APP }, [
        '--disable-features=LocalNetworkAccessChecks',
      ]))
      op = `${gateway.base}/CognitoSendConfirmCodeRequest`
    }, 60_000)

    afterAll(() => close?.())

    beforeEach(async () => {
      context = await browser.newContext()
      // The pages are served by the browser itself: no server but the gateway.
      for (const origin of [EVIL, APP, gateway.base])
        await context.route(`${origin}/page.html`, (route) =>
          route.fulfill({ status: 200, contentType: 'text/html', body: BLANK }),
        )
      page = await context.newPage()
    })

    afterEach(async () => {
      await context.close()
    })

    /** The codes the development sender logged for `email`. */
    const codesFor = (email: string) =>
      gateway
        .output()
        .split('\n')
        .filter((line) => line.includes(`confirmation code for ${email}:`))

    /** The user of `email`, as a client that is no browser finds it: 404 (2002) when none. */
    const userStatus = async (email: string) => {
      const res = await fetch(op, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ EmailAddress: email, ConfirmationCode: '123456' }),
      })
      return (await res.json()) as { OpCode: number }
    }

    /** Submits a form on the current page and returns the answer the browser navigates to. */
    const submit = async (email: string, enctype: string) => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && r.url() === op),
        page.evaluate(
          ([action, address, type]) => {
            const form = document.createElement('form')
            form.method = 'post'
            form.action = action!
            form.enctype = type!
            const input = document.createElement('input')
            input.name = 'EmailAddress'
            input.value = address!
            form.appendChild(input)
            document.body.appendChild(form)
            form.submit()
          },
          [op, email, enctype],
        ),
      ])
      // The answer's page, loaded: the next navigation must not cut this one short.
      await page.waitForURL(op)
      return response
    }

    it('refuses the forms, image and fetches of a page on another site, sending no code', async () => {
      await page.goto(`${EVIL}/page.html`)
      // Subresources first: an <img> of the GET form, and two fetch() simple requests, which
      // go out without a preflight (CORS only hides what they answer).
      const outcomes = await page.evaluate(async (action) => {
        const image = new Promise((resolve) => {
          const img = new Image()
          img.onload = () => resolve('loaded')
          img.onerror = () => resolve('failed')
          img.src = `${action}?EmailAddress=${encodeURIComponent('image@example.com')}`
        })
        const body = (email: string) => new URLSearchParams({ EmailAddress: email })
        const noCors = fetch(action, {
          method: 'POST',
          mode: 'no-cors',
          body: body('opaque@example.com'),
        })
          .then((r) => r.type)
          .catch(() => 'failed')
        const cors = fetch(action, { method: 'POST', body: body('cors@example.com') })
          .then((r) => r.status)
          .catch(() => 'failed')
        return Promise.all([image, noCors, cors])
      }, op)
      // Each reached the gateway (the fetches' answers are hidden, or failed), and did nothing.
      expect(outcomes).toEqual(['failed', expect.anything(), 'failed'])
      for (const enctype of [
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'text/plain',
      ]) {
        await page.goto(`${EVIL}/page.html`)
        const refused = await submit('form@example.com', enctype)
        expect(refused.status(), enctype).toBe(403)
        // A browser asks for a page: the response DTO as one, with its OpCode.
        await expect(page.locator('body').innerText()).resolves.toContain('1011')
      }
      // A link to the GET form, followed from that page.
      await page.goto(`${EVIL}/page.html`)
      const link = `${op}?EmailAddress=${encodeURIComponent('link@example.com')}`
      const [followed] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && r.url() === link),
        page.evaluate((href) => {
          const a = document.createElement('a')
          a.href = href
          a.textContent = 'win a prize'
          document.body.appendChild(a)
          a.click()
        }, link),
      ])
      expect(followed.status()).toBe(403)
      await page.waitForURL(link)
      for (const email of ['image', 'opaque', 'cors', 'form', 'link'].map(
        (n) => `${n}@example.com`,
      )) {
        expect(codesFor(email), email).toEqual([])
        expect(await userStatus(email), email).toMatchObject({ OpCode: 2002 })
      }
    })

    it('serves the page of a CORS_ORIGINS origin, which reads the answer of its simple request', async () => {
      await page.goto(`${APP}/page.html`)
      const answer = await page.evaluate(async (action) => {
        const res = await fetch(action, {
          method: 'POST',
          body: new URLSearchParams({ EmailAddress: 'app@example.com' }),
        })
        return { status: res.status, body: (await res.json()) as { OpCode: number } }
      }, op)
      expect(answer).toMatchObject({ status: 200, body: { OpCode: 0 } })
      expect(codesFor('app@example.com')).toHaveLength(1)
    })

    it("serves the gateway's own pages and a typed URL", async () => {
      await page.goto(`${gateway.base}/page.html`)
      const sent = await submit('own@example.com', 'application/x-www-form-urlencoded')
      expect(sent.status()).toBe(200)
      expect(codesFor('own@example.com')).toHaveLength(1)
      const typed = await page.goto(`${op}?EmailAddress=${encodeURIComponent('typed@example.com')}`)
      expect(typed?.status()).toBe(200)
      expect(codesFor('typed@example.com')).toHaveLength(1)
    })
  },
)
