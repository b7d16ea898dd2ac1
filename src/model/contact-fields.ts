import * as v from 'valibot'
import { maxChars } from './max-chars.ts'
import { emailAddress } from './email-address.ts'
import { plainObject, plainRecord } from './plain-object.ts'

/**
 * The open.cx seed's `language` codes. The seed lists `tr` twice; a picklist holds it once.
 */
export const LANGUAGES = [
  'en', 'fr', 'de', 'nl', 'pl', 'pt', 'es', 'it', 'ru', 'ja', 'ko', 'zh', 'ar', 'tr',
  'sv', 'da', 'no', 'fi', 'el', 'cs', 'hu', 'th', 'vi', 'id', 'he', 'hi', 'uk', 'ro',
  'bg', 'hr', 'sk', 'sl', 'sr', 'et', 'lv', 'lt', 'is', 'ga', 'ms', 'tl', 'fa', 'bn',
  'ta', 'te', 'ur', 'sw', 'zu', 'af', 'sq', 'hy', 'az', 'eu', 'be', 'bs', 'ca', 'cy',
] as const // prettier-ignore

/**
 * Bounds of a contact's members. Free-form data and the overrides are bounded by keys and by
 * their size as JSON text (escapes included: a control character is six bytes stored), so one
 * contact never grows past a few tens of KiB whatever the body limit is, and a page of 100
 * stays a few MB.
 */
export const CONTACT_LIMITS = {
  nameLength: 256,
  chatContextLength: 8192,
  /** Keys of `customData` and of each `http_action_overrides` map. */
  entries: 64,
  keyLength: 256,
  /** A dictionary value (query/path parameter, header). */
  valueLength: 4096,
  /** `customData`, and `http_action_overrides` as a whole, serialized as JSON (UTF-8 bytes). */
  jsonBytes: 16 * 1024,
} as const

const L = CONTACT_LIMITS
const encoder = new TextEncoder()

export const Language = v.picklist(LANGUAGES, `must be one of ${LANGUAGES.join(', ')}`)

export const Email = emailAddress()

// What may stand between the digits, and is dropped: spaces, dots, dashes, parentheses.
const SEPARATORS = /[\s().-]/g
const SEP = '[\\s().-]*'

/**
 * E.164: `+`, a country code and the number, 7 to 15 digits. Spaces, dots, dashes and
 * parentheses are dropped, so `+1 (234) 567-890` and `+1234567890` are one contact. The
 * pattern is checked on the text as sent, so OpenAPI's pattern says what is accepted; what is
 * stored is then always `^\+[1-9]\d{6,14}$`.
 */
export const Phone = v.pipe(
  v.string('must be a string'),
  v.description(
    'E.164 with its country code, 7 to 15 digits; spaces, dots, dashes and parentheses may stand between them and are dropped: `+1 (234) 567-890` is stored as `+1234567890`.',
  ),
  v.regex(
    new RegExp(`^${SEP}\\+${SEP}[1-9](?:${SEP}\\d){6,14}${SEP}$`),
    'must be a phone number with its country code, e.g. +1234567890',
  ),
  v.transform((text) => text.replace(SEPARATORS, '')),
)

/**
 * Whether `new URL` reads the text, as valibot's `url()` asks `URL.canParse`, which Node 20
 * and 22 answer false for a host with non-ASCII letters (`https://bücher.example/`) once V8
 * has optimised it, after some thousands of calls: the same address was refused or not by the
 * process's age. A `check`, not `url()`: JSON Schema would call that `format: uri`, an
 * RFC 3986 URI, which allows `ftp:` and refuses the non-ASCII letters accepted here.
 */
const parsesAsUrl = (message: string) =>
  v.check<string, string>((input) => {
    try {
      new URL(input)
      return true
    } catch {
      return false
    }
  }, message)

// A widget shows it as an image: `javascript:` or `data:` URLs have no business here, nor do
// spaces or control characters. Letter case spelt out: JSON Schema's `pattern` has no flags.
const HTTP_URL = /^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\u0000-\u0020\u007f]+$/

export const AvatarUrl = v.pipe(
  v.string('must be a string'),
  v.description(
    'An http or https URL as a browser reads it (WHATWG URL): letters beyond ASCII are fine ' +
      'in the host and the path, spaces and control characters are not.',
  ),
  v.examples(['https://example.com/avatar.png']),
  maxChars(2048, 'must be at most 2048 characters'),
  parsesAsUrl('must be a URL'),
  v.regex(HTTP_URL, 'must be an http or https URL'),
)

// SQLite (libSQL, D1) would silently cut a text column at NUL, and a driver reads a key that
// json_each took out of stored JSON up to its first NUL; every other character is kept (the
// XML writer replaces the ones XML 1.0 cannot carry, the CSV writer neutralises formulas).
const noNul = v.regex(/^[^\0]*$/, 'must not contain NUL characters')

export const Name = v.pipe(
  v.string('must be a string'),
  maxChars(L.nameLength, `must be at most ${L.nameLength} characters`),
  noNul,
)

export const ChatContext = v.pipe(
  v.string('must be a string'),
  maxChars(L.chatContextLength, `must be at most ${L.chatContextLength} characters`),
  noNul,
)

// A dictionary's keys: `customData`'s are the CSV export's columns, read through json_each.
const Key = v.pipe(
  v.string(),
  v.nonEmpty('keys must not be empty'),
  maxChars(L.keyLength, `keys must be at most ${L.keyLength} characters`),
  v.regex(/^[^\0]*$/, 'keys must not contain NUL characters'),
)

// A parameter an action is called with: text that a URL or a header carries, never a NUL.
const Value = v.pipe(
  v.string('must be a string'),
  maxChars(L.valueLength, `must be at most ${L.valueLength} characters`),
  noNul,
)

/** A JSON object of at most `CONTACT_LIMITS.entries` entries. */
const dictionary = <TKey extends v.GenericSchema<string, string>, TValue extends v.GenericSchema>(
  key: TKey,
  value: TValue,
) =>
  v.pipe(plainRecord(key, value), v.maxEntries(L.entries, `must have at most ${L.entries} entries`))

// What `jsonBytesAtMost` checks, which JSON Schema cannot say: a description says it.
const JSON_BOUND =
  `At most ${L.jsonBytes} bytes as JSON text written compactly (UTF-8, escapes included), ` +
  'whatever carries it: a JSON or XML body, or a form field or CSV cell of JSON text.'

/** A value's size as JSON text (UTF-8 bytes) at most `CONTACT_LIMITS.jsonBytes`. */
const jsonBytesAtMost = <T>() =>
  v.check<T, string>(
    (value) => encoder.encode(JSON.stringify(value)).length <= L.jsonBytes,
    `must be at most ${L.jsonBytes} bytes as JSON`,
  )

/**
 * Any JSON object, bounded. A record of `unknown` values is what the serializers treat as
 * free-form: typed `<entry key>` elements in XML, `<field>.<key>` columns in CSV.
 */
const FreeForm = v.pipe(
  dictionary(Key, v.unknown()),
  jsonBytesAtMost(),
  v.description(`Any JSON object. ${JSON_BOUND}`),
)

export const CustomData = FreeForm

// RFC 9110 field names, and field values: no control character but HTAB (NUL is refused by
// every `Value`), so an override can never split a header, nor be refused by the HTTP client
// that executes the action.
const HeaderName = v.pipe(
  v.string(),
  v.regex(/^[!#$%&'*+.^_`|~\dA-Za-z-]+$/, 'keys must be header names'),
)
const HeaderValue = v.pipe(
  Value,
  v.regex(/^[^\x01-\x08\n-\x1f\x7f]*$/, 'must not contain control characters other than TAB'),
  // A header carries bytes: `Headers` refuses a character past U+00FF (`€`).
  v.regex(/^[\0-\xff]*$/, 'must hold only characters up to U+00FF (Latin-1)'),
  v.description(
    'A header value: Latin-1 text (characters up to U+00FF) with no ASCII control character ' +
      'but TAB.',
  ),
)

/**
 * Header names ignore letter case (RFC 9110 §5.1): `X-A` and `x-a` are one header, whose two
 * values an action would send joined or one over the other. The second spelling is refused,
 * as a member given twice is.
 */
const distinctHeaderNames = v.rawCheck<Record<string, string>>(({ dataset, addIssue }) => {
  if (!dataset.typed) return
  const input = dataset.value
  const seen = new Set<string>()
  for (const key of Object.keys(input)) {
    const folded = key.toLowerCase()
    if (seen.has(folded)) {
      const path = [{ type: 'object', origin: 'value', input, key, value: input[key] }] as const
      addIssue({ message: 'names a header already given in another letter case', path: [...path] })
    }
    seen.add(folded)
  }
})

/** Per-contact overrides of the parameters open.cx actions are called with. */
export const HttpActionOverrides = v.pipe(
  plainObject({
    query_params: v.optional(dictionary(Key, Value)),
    path_params: v.optional(dictionary(Key, Value)),
    body_params: v.optional(FreeForm),
    headers: v.optional(v.pipe(dictionary(HeaderName, HeaderValue), distinctHeaderNames)),
  }),
  jsonBytesAtMost(),
  v.description(
    'Overrides of the parameters open.cx actions are called with; header names are RFC 9110 ' +
      'tokens, each once whatever its letter case, header values Latin-1 with no ASCII control character but TAB. As a whole: ' +
      JSON_BOUND,
  ),
)
