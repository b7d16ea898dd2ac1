const TICKS_PER_MS = 10_000 // a .NET tick is 100 ns
const TICKS_PER_SECOND = 10_000_000

const two = (n: number) => String(n).padStart(2, '0')

/**
 * A duration as .NET writes a `TimeSpan` (`TimeSpan.ToString()`, the constant "c" format):
 * `[d.]hh:mm:ss.fffffff`, to the tick (100 ns). The fraction is always written, all seven
 * digits, so every value has one shape; days appear only from 24 hours on.
 *
 * @example
 * timeSpan(1.2345) // '00:00:00.0012345'
 * timeSpan(90_061_001) // '1.01:01:01.0010000'
 */
export const timeSpan = (ms: number): string => {
  const ticks = Math.max(0, Math.round(ms * TICKS_PER_MS))
  const fraction = String(ticks % TICKS_PER_SECOND).padStart(7, '0')
  const seconds = Math.floor(ticks / TICKS_PER_SECOND)
  const days = Math.floor(seconds / 86_400)
  const clock = `${two(Math.floor(seconds / 3600) % 24)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`
  return `${days > 0 ? `${days}.` : ''}${clock}.${fraction}`
}
