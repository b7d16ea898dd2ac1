import { hex } from '../crypto/encoding.ts'

/**
 * Ids shaped like Cognigy's (MongoDB ObjectId: 24 hex digits): 4 bytes of seconds, then 8
 * random bytes, so ids sort roughly by creation and cannot be guessed.
 *
 * @example
 * objectId(new Date()) // '6740a1c2f3e4d5c6b7a89012'
 */
export const objectId = (now: Date = new Date()): string => {
  const bytes = new Uint8Array(12)
  new DataView(bytes.buffer).setUint32(0, Math.floor(now.getTime() / 1000))
  crypto.getRandomValues(bytes.subarray(4))
  return hex(bytes)
}

/** A trace id in Cognigy's shape: `api--<uuid>`. */
export const traceIdOf = (): string => `api--${crypto.randomUUID()}`
