import { BodySyntaxError, tooManyNodes } from './types.ts'
import { isXmlDeclaration, xmlDeclaration } from './xml-declaration.ts'

const DECLARATIONS = 'XML bodies must not contain a DOCTYPE or entity declarations'
const OUTSIDE = 'XML body has text outside the root element'

/**
 * Refuses declarations, text outside the root, comments holding `--` and malformed processing
 * instructions (the XML declaration anywhere but first, or not following its grammar; a
 * target that is not a name without a colon), and more than `maxNodes` elements and
 * attributes (the parsers' cost grows with them: 120,000 empty elements took 0.3 s), and
 * counts element depth, without building anything: one pass over the markup. Malformed markup
 * it cannot follow is left for the validator to report.
 *
 * @example
 * scanXml('<a><b/></a>', 32) // passes
 * scanXml('<!DOCTYPE a><a/>', 32) // throws BodySyntaxError
 */
export const scanXml = (text: string, maxDepth: number, maxNodes = Infinity): void => {
  let depth = 0
  let nodes = 0 // elements and attributes so far
  const tag = { attributes: 0 } // what `tagEnd` counts of the tag it ends
  let outside = 0 // start of the text since the last markup, checked while outside the root
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    if (depth <= 0 && !isBlank(text, outside, i)) throw new BodySyntaxError(OUTSIDE)
    const next = text.charCodeAt(i + 1)
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', i)) i = comment(text, i)
      else if (depth > 0 && text.startsWith('<![CDATA[', i)) i = skipPast(text, ']]>', i + 9)
      else if (text.startsWith('<![CDATA[', i)) throw new BodySyntaxError(OUTSIDE)
      else throw new BodySyntaxError(DECLARATIONS) // DOCTYPE, ENTITY, ELEMENT, ATTLIST …
    } else if (next === 0x3f /* ? */) i = processingInstruction(text, i)
    else if (next === 0x2f /* / */) {
      depth--
      i = text.indexOf('>', i)
      if (i === -1) return
    } else {
      const end = tagEnd(text, i + 1, tag)
      if (end === -1) return // truncated: the validator says where
      nodes += 1 + tag.attributes
      if (nodes > maxNodes) throw tooManyNodes('elements and attributes', maxNodes)
      if (text.charCodeAt(end - 1) !== 0x2f && ++depth > maxDepth + 1)
        throw new BodySyntaxError(`XML nested deeper than ${maxDepth} levels`)
      i = end
    }
    outside = i + 1
  }
  if (depth <= 0 && !isBlank(text, outside, text.length)) throw new BodySyntaxError(OUTSIDE)
}

/**
 * Checks the comment at `at` and returns the index of its closing `>`. `--` may not appear
 * inside (XML 1.0 §2.5), nor may `-` end it (`--->`): the validator lets both through.
 */
const comment = (text: string, at: number): number => {
  const end = text.indexOf('-->', at + 4)
  if (end === -1) return text.length // unclosed: the validator says where
  if (text.indexOf('--', at + 4) < end)
    throw new BodySyntaxError('An XML comment must not contain "--" nor end with "--->"')
  return end + 2
}

// XML 1.0 §2.3 NameStartChar and NameChar, without the colon: Namespaces in XML 1.0 §7 allows
// none in a processing instruction's target. Followed by white space or `?>` (§2.6).
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}'
const PI_TARGET = new RegExp(
  `[${NAME_START}][\\u0300-\\u036F${NAME_START}\\-.0-9\\u00B7\\u203F\\u2040]*(?=[ \\t\\r\\n]|\\?>)`,
  'uy',
)

/**
 * Checks the processing instruction at `at` and returns the index of its closing `>`. Its
 * target must be a name without a colon; `xml` in any case is reserved (XML 1.0 §2.6) for the
 * declaration, which only the very first characters may hold.
 */
const processingInstruction = (text: string, at: number): number => {
  if (at === 0 && isXmlDeclaration(text, 0)) return xmlDeclaration(text).length - 1
  const target = /^[^\s?]*/.exec(text.slice(at + 2, at + 66))![0]
  if (target.toLowerCase() === 'xml')
    throw new BodySyntaxError(
      `<?${target} is reserved: the XML declaration is allowed only at the start of the body`,
    )
  PI_TARGET.lastIndex = at + 2
  if (!PI_TARGET.test(text))
    throw new BodySyntaxError(
      target.includes(':')
        ? `<?${target} is not a processing instruction target: a target must not contain ":"`
        : 'A processing instruction must start with a name, then white space or "?>"',
    )
  return skipPast(text, '?>', at + 2)
}

const isBlank = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false
  }
  return true
}

const skipPast = (text: string, terminator: string, from: number): number => {
  const at = text.indexOf(terminator, from)
  return at === -1 ? text.length : at + terminator.length - 1
}

/**
 * The `>` closing a start tag, skipping quoted attribute values (they may hold `/>`); their
 * count, the tag's attributes, goes to `tag.attributes`.
 */
const tagEnd = (text: string, from: number, tag: { attributes: number }): number => {
  tag.attributes = 0
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 0x3e) return j
    if (c === 0x22 || c === 0x27) {
      tag.attributes++
      j = text.indexOf(c === 0x22 ? '"' : "'", j + 1)
      if (j === -1) return -1
    }
  }
  return -1
}
