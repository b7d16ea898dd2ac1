import { resolve, type Shape } from '../model/shape.ts'

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/**
 * Turns the text of an XML element, CSV cell or form field into the scalar the schema expects.
 * Text that does not fit stays text, so validation reports it against the schema instead of
 * the parser guessing.
 *
 * @example
 * coerceScalar({ kind: 'number', integer: true }, '42') // 42
 * coerceScalar({ kind: 'boolean' }, 'yes') // 'yes' (validation then says "expected boolean")
 */
export const coerceScalar = (shape: Shape, text: string): unknown => {
  const s = resolve(shape)
  switch (s.kind) {
    case 'number': {
      // `1e400` is Infinity, which JSON cannot carry (it would be stored as null): it stays
      // text, for validation to refuse.
      const n = NUMBER.test(text) ? Number(text) : NaN
      return Number.isFinite(n) ? n : text
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    default:
      return text
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/** Keys that must never become object members (prototype pollution). */
export const isForbiddenKey = (key: string): boolean => FORBIDDEN.has(key)

/** Escapes one JSON-pointer reference token (RFC 6901). */
export const pointerToken = (key: string | number): string =>
  String(key).replaceAll('~', '~0').replaceAll('/', '~1')
