/** One valid `media-range [ weight ]` of an Accept header (RFC 9110 §12.5.1). */
export interface MediaRange {
  /** Lower-cased type; `*` for any. */
  readonly type: string
  /** Lower-cased subtype; `*` for any. */
  readonly subtype: string
  /** Parameters other than `q`: lower-cased names, values as sent (quotes removed). */
  readonly params: ReadonlyMap<string, string>
  /** Weight, 0..1; 1 when absent. */
  readonly q: number
  /** Position in the header (0-based, skipped ranges included), for the header-order tie-break. */
  readonly index: number
}

/**
 * Only the first 64 list elements are read: no real client sends more, and it bounds the work a
 * hostile header can cause (negotiation is ranges × offers on every request).
 */
export const MAX_RANGES = 64

// RFC 9110 qvalue, plus a bare `.2` (no leading 0): invalid by the grammar, but real clients
// (old Java, some proxies) send it and its meaning is unambiguous. No nested quantifiers, so
// matching is linear.
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?|\.\d{1,3})$/

// tchar (RFC 9110 §5.6.2) as a lookup table: faster than a regex per character.
const TCHAR = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1

const isOws = (c: number): boolean => c === 32 || c === 9

/** Tiny cursor over the header; every method advances `at` and never looks back. */
class Scanner {
  at = 0
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  peek(): number {
    return this.at < this.text.length ? this.text.charCodeAt(this.at) : -1
  }
  skipOws(): void {
    while (isOws(this.peek())) this.at++
  }
  token(): string {
    const start = this.at
    for (let c = this.peek(); c >= 0 && c < 128 && TCHAR[c] === 1; c = this.peek()) this.at++
    return this.text.slice(start, this.at)
  }
  /** A quoted-string's content, or undefined when unterminated or holding a control character. */
  quoted(): string | undefined {
    let out = ''
    for (this.at++; this.at < this.text.length; this.at++) {
      let c = this.text.charCodeAt(this.at)
      if (c === 34) {
        this.at++
        return out
      }
      if (c === 92) c = this.text.charCodeAt(++this.at)
      if (!(c === 9 || (c >= 32 && c !== 127 && c <= 255))) return undefined
      out += String.fromCharCode(c)
    }
    return undefined
  }
  /** Skips to just past the next list comma outside a quoted-string. */
  skipElement(): void {
    let quoted = false
    for (; this.at < this.text.length; this.at++) {
      const c = this.text.charCodeAt(this.at)
      if (quoted && c === 92) this.at++
      else if (c === 34) quoted = !quoted
      else if (c === 44 && !quoted) break
    }
    this.at = Math.min(this.at + 1, this.text.length)
  }
}

/** Reads one media range at the cursor; undefined (cursor left on the offending byte) if invalid. */
const readRange = (s: Scanner, index: number): MediaRange | undefined => {
  const type = s.token().toLowerCase()
  if (!type || s.peek() !== 47) return undefined
  s.at++
  const subtype = s.token().toLowerCase()
  if (!subtype || (type === '*' && subtype !== '*')) return undefined
  const params = new Map<string, string>()
  let q: number | undefined
  for (;;) {
    s.skipOws()
    const c = s.peek()
    if (c === -1 || c === 44) return { type, subtype, params, q: q ?? 1, index }
    if (c !== 59) return undefined
    s.at++
    s.skipOws()
    if (s.peek() === 59 || s.peek() === 44 || s.peek() === -1) continue // empty parameter is legal
    const name = s.token().toLowerCase()
    if (!name || s.peek() !== 61) return undefined // also rejects whitespace around `=`
    const start = ++s.at
    const quoted = s.peek() === 34
    const value = quoted ? s.quoted() : s.token() || undefined
    if (value === undefined) {
      s.at = start // back outside the quotes, so skipElement sees them balanced
      return undefined
    }
    if (name !== 'q') params.set(name, value)
    else if (quoted || q !== undefined || !QVALUE.test(value)) return undefined
    else q = Number(value)
  }
}

/**
 * Parses an Accept header into its valid media ranges, in header order. Invalid ranges are
 * skipped, never fatal; empty list elements are ignored; only {@link MAX_RANGES} are read.
 *
 * @example
 * parseAccept('text/html, *; q=.2, *\/*; q=.2')
 * // [{ type: 'text', subtype: 'html', q: 1, index: 0, ... },
 * //  { type: '*', subtype: '*', q: 0.2, index: 2, ... }]
 */
export const parseAccept = (header: string): MediaRange[] => {
  const ranges: MediaRange[] = []
  const s = new Scanner(header)
  for (let index = 0; index < MAX_RANGES;) {
    while (isOws(s.peek()) || s.peek() === 44) s.at++
    if (s.peek() === -1) break
    const range = readRange(s, index++)
    if (range) ranges.push(range)
    s.skipElement()
  }
  return ranges
}
