import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'

/** Debian's Chromium, which `.ci/run` installs when it can. */
export const CHROMIUM = '/usr/bin/chromium'

export const hasChromium = existsSync(CHROMIUM)

/** Screenshots are test artefacts, kept (gitignored) under `test-results/browser/`. */
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/browser/', import.meta.url))

/**
 * A headless Chromium without anything that would reach the network on its own; `args` adds
 * switches of the test's own.
 *
 * @example
 * const browser = await launchChromium()
 */
export const launchChromium = (args: readonly string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  })

/**
 * Everything a page reports as an error: console errors (CSP violations and failed loads are
 * reported there), uncaught exceptions, and requests that failed — a download excepted, which
 * Chromium reports as an aborted request.
 *
 * @example
 * const errors = collectErrors(page)
 * expect(errors).toEqual([])
 */
export const collectErrors = (page: Page): string[] => {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`))
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request: ${r.url()}`)
  })
  return errors
}

/**
 * Saves a full-page screenshot as `test-results/browser/<name>.png`.
 *
 * @example
 * await screenshot(page, 'index')
 */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true })
}
