import * as v from 'valibot'

// RFC 5322 §3.2.3 atext: what a dot-atom local part is made of (`o'brien`, `user%tag`).
const ATEXT = "[\\w!#$%&'*+/=?^`{|}~-]"
// A domain label: letters, digits, `_` (DNS allows it: `sub_domain`), `-` inside only, so
// IDNA's punycode (`xn--bcher-kva`) passes; at most 63 characters.
const LABEL = '[A-Za-z0-9_](?:[\\w-]{0,61}[A-Za-z0-9_])?'
// At least two labels, the last with a letter: `user@localhost` or `user@1.2.3.4` is no
// address a contact can be written to.
const ADDRESS = new RegExp(
  `^${ATEXT}+(?:\\.${ATEXT}+)*@(?:${LABEL}\\.)+(?=[\\w-]*[A-Za-z])${LABEL}$`,
)

/**
 * Whether text is an email address as people have them: RFC 5322's `dot-atom@domain`, the
 * local part at most 64 characters. Quoted local parts, address literals (`[127.0.0.1]`) and
 * non-ASCII addresses are refused: no contact store or mail form the gateway feeds takes them.
 * valibot's `email()` refuses real addresses (`o'brien@…`, `xn--` labels); its `rfcEmail()`
 * (WHATWG's rule) refuses `_` in a domain and accepts `a..b@c`.
 *
 * @example
 * isEmailAddress("o'brien@example.com") // true
 * isEmailAddress('a..b@example.com') // false
 */
export const isEmailAddress = (text: string): boolean =>
  ADDRESS.test(text) && text.indexOf('@') <= 64

/**
 * An email address member: trimmed, at most 254 characters (RFC 5321's path limit), then
 * `isEmailAddress`. OpenAPI describes it as `format: email`, and says it is trimmed.
 *
 * @example
 * const Request = v.object({ EmailAddress: v.optional(emailAddress()) })
 */
export const emailAddress = () =>
  v.pipe(
    v.string('must be a string'),
    v.trim(),
    v.maxLength(254, 'must be at most 254 characters'),
    v.check(isEmailAddress, 'must be an email address'),
    v.metadata({ format: 'email' }),
    v.description(
      'An email address (RFC 5322 dot-atom@domain, its part before the @ at most 64 ' +
        'characters; no quoted parts, address literals or non-ASCII letters); spaces around ' +
        'it are dropped.',
    ),
  )
