import { fileURLToPath } from 'node:url'
import type { ByteChunks } from '../src/formats/types.ts'

/** Rounds per variant (BENCH_ROUNDS); variants alternate within each round. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)

/** One variant's result: a rate (items/s or requests/s), its range over the rounds. */
export interface Measured {
  group: string
  name: string
  median: number
  min: number
  max: number
  mbPerSecond?: number
  bytes?: number
  /** Server CPU time (user + system) per request answered, in µs: the median over the rounds. */
  cpuPerRequest?: number
}

/**
 * The UTF-8 bytes of a body as a response sends it. Counting a string's flattens one built by
 * concatenation, as sending it would; a format that hands over bytes has them counted already.
 */
export const bodyBytes = (body: string | Uint8Array | ByteChunks): number =>
  typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** True when this module is the script node was started with. */
export const isMain = (url: string): boolean => process.argv[1] === fileURLToPath(url)

/** The measured rate of a variant in a group; throws when it was not measured. */
export const rateOf = (results: readonly Measured[], group: string, name: string): number => {
  const found = results.find((m) => m.group === group && m.name === name)
  if (!found) throw new Error(`no result for ${group} / ${name}`)
  return found.median
}

/**
 * A ratio as the verdict tables print it: two decimals, or as many more as it takes for the
 * printed figure to fall on the same side of its goal as the ratio (0.9497 against 0.95 is
 * no "0.95×" beside a MISS).
 *
 * @example
 * ratioText(0.946, 0.95) // '0.946×'
 * ratioText(0.94997, 0.95) // '0.94997×'
 * ratioText(0.912, 0.9) // '0.91×'
 */
export const ratioText = (ratio: number, goal: number): string => {
  let digits = 2
  while (digits < 8 && Number(ratio.toFixed(digits)) >= goal !== ratio >= goal) digits++
  return `${ratio.toFixed(digits)}×`
}
