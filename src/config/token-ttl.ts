/** How long a contact token lives unless configured: 24 hours. */
export const DEFAULT_CONTACT_TOKEN_TTL_SECONDS = 24 * 60 * 60

// A minute at least (clocks drift), 30 days at most: a stolen token must not live for ever.
const MIN = 60
const MAX = 30 * 24 * 60 * 60

/**
 * `CONTACT_TOKEN_TTL_SECONDS` from an environment: undefined when unset (the default
 * applies), a whole number of seconds from 60 to 2592000 (30 days), or an error naming the
 * variable — a runtime refuses to start rather than guess.
 *
 * @example
 * parseContactTokenTtl('3600') // 3600
 * parseContactTokenTtl(3600) // 3600 (a TOML number in a Worker's vars)
 * parseContactTokenTtl(undefined) // undefined
 */
export const parseContactTokenTtl = (value: unknown): number | undefined => {
  if (value === undefined || value === '') return undefined
  // A Worker's `[vars]` may give it as a TOML number; the environment, as text.
  const text = typeof value === 'number' ? String(value) : value
  const seconds = typeof text === 'string' && /^\d{1,9}$/.test(text) ? Number(text) : NaN
  if (!(seconds >= MIN && seconds <= MAX)) {
    throw new Error(
      `CONTACT_TOKEN_TTL_SECONDS must be a whole number of seconds from ${MIN} to ${MAX}`,
    )
  }
  return seconds
}
