import { readFile } from 'node:fs/promises'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { endpoints } from '../../src/app/create-app.ts'
import type { GatewayProcess } from '../support/node-process.ts'
import { parseCsvStrict } from '../support/parsers.ts'
import { SEED_BODY } from '../support/requests.ts'
import { CHROMIUM, collectErrors, gatewayInChromium, hasChromium, screenshot } from './chromium.ts'

if (!hasChromium) {
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or run .ci/run).`,
  )
}

// A browser on a busy two-core runner is slow to start and to render Swagger UI.
describe.skipIf(!hasChromium)(
  'the gateway in a real browser (Chromium)',
  { timeout: 60_000 },
  () => {
    let close: (() => Promise<void>) | undefined
    let gateway: GatewayProcess
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let errors: string[]

    beforeAll(async () => {
      ;({ gateway, browser, close } = await gatewayInChromium())
    }, 60_000)

    afterAll(() => close?.())

    beforeEach(async () => {
      context = await browser.newContext({ acceptDownloads: true })
      page = await context.newPage()
      errors = collectErrors(page)
    })

    afterEach(async () => {
      await context.close()
      // CSP violations, failed loads and exceptions all land here.
      expect(errors).toEqual([])
    })

    const open = async (path: string) => {
      const res = await page.goto(`${gateway.base}${path}`)
      expect(res?.status(), path).toBe(200)
      return res!
    }

    it('opens / as a page and follows its links to a collection and an item', async () => {
      const res = await open('/')
      expect(res.headers()['content-type']).toBe('text/html; charset=utf-8')
      await expect(page.locator('h1').textContent()).resolves.toBe('Gateway')
      await screenshot(page, 'index')
      await page.click('a[rel="problemTypes"]')
      await expect(page.locator('h1').textContent()).resolves.toBe('ProblemTypes')
      await screenshot(page, 'collection')
      await page.locator('a[rel="item"]').first().click()
      await expect(page.locator('h1').textContent()).resolves.toBe('ProblemType')
      expect(page.url()).toBe(`${gateway.base}/problems/validation`)
      await screenshot(page, 'item')
    })

    it('switches the same resource to XML and CSV through the page links', async () => {
      await open('/problems/validation')
      const [xml] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('format=xml')),
        page.click('a[rel="alternate"][type="application/xml"]'),
      ])
      expect(xml.headers()['content-type']).toBe('application/xml; charset=utf-8')
      await page.waitForLoadState()
      await expect(page.locator('body').innerText()).resolves.toContain('Validation Failed')
      await screenshot(page, 'xml')
      await page.goBack()
      // Chromium saves CSV instead of showing it: a spreadsheet user gets a file.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a[rel="alternate"][type="text/csv"]'),
      ])
      const [row] = parseCsvStrict(await readFile((await download.path())!, 'utf8'))
      expect(row).toMatchObject({ slug: 'validation', code: '1000' })
    })

    it('wraps a long value in its cell instead of widening the page', async () => {
      const contact = await fetch(`${gateway.base}/widget/authenticate-user`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${gateway.orgToken()}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ email: 'long@example.com', chat_context: 'x'.repeat(8000) }),
      })
      const {
        contact: { id },
      } = (await contact.json()) as { contact: { id: string } }
      await context.setExtraHTTPHeaders({ Authorization: `Bearer ${gateway.orgToken()}` })
      await page.setViewportSize({ width: 1024, height: 768 })
      await open(`/contacts/${id}`)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width).toBeLessThanOrEqual(1024)
    })

    it('shows Alexa users to a browser that sends the API key', async () => {
      const headers = { 'X-API-Key': gateway.apiKey() }
      const created = await fetch(`${gateway.base}/v2.0/external/alexa/users`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: SEED_BODY,
      })
      expect(created.status).toBe(201)
      await context.setExtraHTTPHeaders(headers)
      await open('/v2.0/external/alexa/users')
      await expect(page.locator('h1').textContent()).resolves.toBe('AmazonUsers')
      await page.locator('a[rel="item"]').first().click()
      await expect(page.locator('h1').textContent()).resolves.toBe('AmazonUser')
      await expect(page.content()).resolves.not.toContain('accessToken')
      await screenshot(page, 'amazon-user')
    })

    it('opens the operations and one operation with a CSV sample', async () => {
      await open('/metadata')
      await expect(page.locator('h1').textContent()).resolves.toBe('Operations')
      await page.click('a[href="/csv/metadata?op=CreateAmazonUser"]')
      await expect(page.locator('h1').textContent()).resolves.toBe('CreateAmazonUser')
      const response = await page.locator('pre.response').innerText()
      expect(response).toMatch(/^HTTP\/1\.1 201 Created\nContent-Type: text\/csv/)
      await screenshot(page, 'metadata-csv')
    })

    it('runs Swagger UI on /docs with every operation, offline and within its CSP', async () => {
      await open('/docs')
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 })
      await expect(page.locator('.info .title').innerText()).resolves.toContain('Conneg Gateway')
      expect(await page.locator('.opblock').count()).toBe(endpoints.length + 1)
      await screenshot(page, 'docs')
    })
  },
)
