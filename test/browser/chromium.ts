import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { type GatewayProcess, startGateway } from '../support/node-process.ts'

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
 * The gateway as `npm start` runs it, on a data folder of its own with `env`, and a Chromium
 * (`launchChromium(args)`) to drive it; `close` stops both and removes the folder.
 *
 * @example
 * const { gateway, browser, close } = await gatewayInChromium({ CORS_ORIGINS: APP })
 */
export const gatewayInChromium = async (
  env: Record<string, string> = {},
  args: readonly string[] = [],
): Promise<{ gateway: GatewayProcess; browser: Browser; close: () => Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-browser-'))
  let gateway: GatewayProcess | undefined
  let browser: Browser | undefined
  const close = async () => {
    await browser?.close()
    await gateway?.stop()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    gateway = await startGateway({ DATA_DIR: dir, ...env })
    browser = await launchChromium(args)
    return { gateway, browser, close }
  } catch (error) {
    await close()
    throw error
  }
}

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
