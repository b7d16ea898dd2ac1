import fc from 'fast-check'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named } from '../model/meta.ts'
import { BodySyntaxError } from './types.ts'
import { parseXml } from './xml-parse.ts'

const Item = named('Item', v.object({ name: v.string(), qty: v.optional(v.number()) }))
const Schema = named(
  'Order',
  v.object({
    id: v.string(),
    count: v.pipe(v.number(), v.integer()),
    paid: v.boolean(),
    note: v.nullable(v.string()),
    items: v.array(Item),
    tags: v.array(v.string()),
    Attributes: v.record(v.string(), v.string()),
    customData: v.optional(v.unknown()),
    nested: v.optional(v.object({ inner: v.string() })),
  }),
)

const parse = (text: string, maxDepth = 32) => parseXml(text, Schema, { maxDepth })
const order = (inner: string) => parse(`<Order>${inner}</Order>`) as Record<string, unknown>

/** The error a body raises; fails the test if it raises anything else or nothing. */
const syntaxError = (text: string, maxDepth = 32): BodySyntaxError => {
  try {
    parse(text, maxDepth)
  } catch (error) {
    expect(error).toBeInstanceOf(BodySyntaxError)
    return error as BodySyntaxError
  }
  throw new Error('expected a BodySyntaxError')
}

describe('parseXml: mapping onto the schema', () => {
  it('coerces scalars by the schema, ignoring the root name and unknown elements', () => {
    const body = '<?xml version="1.0"?><Anything><id>7</id><count>42</count><paid>true</paid>'
    expect(parse(`${body}<unknown><x/></unknown></Anything>`)).toEqual({
      id: '7',
      count: 42,
      paid: true,
    })
  })

  it('leaves text that does not fit as text, for validation to report', () => {
    expect(order('<count>many</count><paid>yes</paid><nested>flat</nested>')).toEqual({
      count: 'many',
      paid: 'yes',
      nested: 'flat',
    })
  })

  // As in JSON, a boolean is `true` or `false`, in lower case: other spellings are text.
  it.each(['TRUE', 'True', 'FALSE', 'False', '1', '0'])(
    'reads a boolean only as true or false, leaving %j as text',
    (text) => {
      expect(order(`<paid>${text}</paid>`)).toEqual({ paid: text })
    },
  )

  it.each([
    ['<tags/>', []],
    ['<tags><item>a</item></tags>', ['a']],
    ['<tags><a>x</a><b>y</b></tags>', ['x', 'y']],
    ['<tags>\n  <item>a</item>\n  <item>b</item>\n</tags>', ['a', 'b']],
  ])('reads every child of an array wrapper: %s', (inner, tags) => {
    expect(order(inner).tags).toEqual(tags)
  })

  it('reads arrays of objects, one or many', () => {
    expect(order('<items><Item><name>a</name><qty>2</qty></Item></items>').items).toEqual([
      { name: 'a', qty: 2 },
    ])
    expect(order('<items><Item><name>a</name></Item><x><name>b</name></x></items>').items).toEqual([
      { name: 'a' },
      { name: 'b' },
    ])
  })

  it('reads dictionary entries by their key attribute', () => {
    const inner =
      '<Attributes><entry key="with space">1</entry><entry key="x&lt;y">2</entry><entry key="">3</entry><entry key="a&#9;b&#10;c\nd">4</entry></Attributes>'
    expect(order(inner).Attributes).toEqual({
      'with space': '1',
      'x<y': '2',
      '': '3',
      'a\tb\nc d': '4',
    })
  })

  it('reads xsi:nil as null, an empty element as empty text and a missing one as absent', () => {
    const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    expect(order(`<note ${xsi} xsi:nil="true"/><id/>`)).toEqual({ note: null, id: '' })
    expect(order('<id></id>')).not.toHaveProperty('note')
  })

  it('reads free-form data by its type attributes', () => {
    const inner =
      '<customData type="object"><entry key="n" type="number">-1.5e3</entry><entry key="a" type="array"><item type="boolean">true</item><item type="null"/><item>s</item></entry></customData>'
    expect(order(inner).customData).toEqual({ n: -1500, a: [true, null, 's'] })
    expect(syntaxError('<Order><customData type="date">x</customData></Order>').pointer).toBe(
      '/customData',
    )
  })

  it('expands only predefined entities and character references', () => {
    expect(order('<id>&lt;&gt;&amp;&quot;&apos;&#13;&#x1F600;&#65;</id>').id).toBe('<>&"\'\r😀A')
    expect(order('<id>a\r\nb\rc</id>').id).toBe('a\nb\nc')
    expect(order('<id><![CDATA[&amp;<x>]]>!</id>').id).toBe('&amp;<x>!')
    expect(syntaxError('<Order><id>&#1;</id></Order>').message).toMatch(/&#1;/)
    expect(syntaxError('<Order><id>&#xD800;</id></Order>').message).toMatch(/not a character/)
    expect(syntaxError('<Order><id>&#xFFFFFFFFFFFF;</id></Order>')).toBeInstanceOf(BodySyntaxError)
    expect(syntaxError('<Order><id>&nbsp;</id></Order>').message).toMatch(/unknown entity/)
    expect(syntaxError('<Order><id>&#;</id></Order>')).toBeInstanceOf(BodySyntaxError)
    expect(
      syntaxError('<Order><Attributes><entry key="a & b"/></Attributes></Order>'),
    ).toBeInstanceOf(BodySyntaxError)
  })

  it('matches elements by local name, whatever their namespace prefix', () => {
    expect(parse('<o:Order xmlns:o="urn:x"><o:id>1</o:id></o:Order>')).toEqual({ id: '1' })
  })
})

describe('parseXml: hostile input', () => {
  it('refuses DOCTYPE and entity declarations before parsing', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Order><id>&lol2;</id></Order>'
    const external =
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Order><id>&e;</id></Order>'
    for (const body of [
      laughs,
      external,
      '<!doctype html><Order/>',
      '<Order><!ENTITY e "x"></Order>',
    ])
      expect(syntaxError(body).message).toBe(
        'XML bodies must not contain a DOCTYPE or entity declarations',
      )
  })

  it('rejects 100,000 levels of nesting quickly, without overflowing the stack', () => {
    const started = performance.now()
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000)
    expect(syntaxError(deep).message).toBe('XML nested deeper than 32 levels')
    const quoted = '<a x="/>">'.repeat(100_000)
    expect(syntaxError(quoted).message).toBe('XML nested deeper than 32 levels')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('counts depth as JSON does: a scalar leaf is not a level', () => {
    const nest = (n: number) => '<nested>'.repeat(n) + '</nested>'.repeat(n)
    expect(() => parse(`<Order>${nest(2)}</Order>`, 2)).not.toThrow()
    expect(syntaxError(`<Order>${nest(3)}</Order>`, 2).message).toMatch(/deeper than 2/)
  })

  it.each([
    ['empty body', '', /empty/],
    ['whitespace only', ' \n ', /empty/],
    ['truncated', '<Order><id>1</id', /Malformed XML/],
    ['unclosed tag', '<Order><id>1</id>', /Malformed XML: Unclosed tag 'Order'/],
    ['mismatched tags', '<Order><id>1</x></Order>', /Malformed XML.*line 1, column/],
    ['not XML at all', '{"id": 1}', /text outside the root/],
    ['a lone <', '<', /Malformed XML/],
    ['two roots', '<Order/><Order/>', /exactly one root/],
    ['text after the root', '<Order/>trailing', /text outside the root/],
    ['text before the root', 'leading<Order/>', /text outside the root/],
    ['text after a closed root', '<Order></Order> x', /text outside the root/],
    ['CDATA outside the root', '<Order/><![CDATA[x]]>', /text outside the root/],
    ['a raw control character', '<Order><id>\u0001</id></Order>', /U\+0001/],
    ['a lone surrogate', '<Order><id>\uDC00</id></Order>', /U\+DC00/],
    ['< in an attribute', '<Order><Attributes><entry key="<"/></Attributes></Order>', /'<'/],
    ['an entry without key', '<Order><Attributes><entry>1</entry></Attributes></Order>', /key/],
  ])('rejects %s', (_, body, message) => {
    expect(syntaxError(body).message).toMatch(message)
  })

  it.each([
    ['<__proto__>', '<Order><__proto__><polluted>1</polluted></__proto__></Order>', '/__proto__'],
    ['<constructor>', '<Order><items><constructor/></items></Order>', '/items/constructor'],
    ['a prefixed <x:prototype>', '<Order xmlns:x="u"><x:prototype/></Order>', '/prototype'],
    [
      'entry key __proto__',
      '<Order><Attributes><entry key="__proto__">1</entry></Attributes></Order>',
      '/Attributes/__proto__',
    ],
    [
      'free-form key constructor',
      '<Order><customData type="object"><entry key="constructor"/></customData></Order>',
      '/customData/constructor',
    ],
  ])('rejects %s with a pointer, polluting nothing', (_, body, pointer) => {
    expect(syntaxError(body).pointer).toBe(pointer)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each([
    ['a member', '<Order><id>1</id><id>2</id></Order>', '/id', /<id> is given twice/],
    [
      'a nested member',
      '<Order><nested><inner>a</inner><inner>b</inner></nested></Order>',
      '/nested/inner',
      /<inner> is given twice/,
    ],
    [
      'an array member (two wrappers)',
      '<Order><tags><i>a</i></tags><tags><i>b</i></tags></Order>',
      '/tags',
      /<tags> is given twice/,
    ],
    [
      'a member, the second a prefixed name',
      '<Order xmlns:x="u"><id>1</id><x:id>2</x:id></Order>',
      '/id',
      /<id> is given twice/,
    ],
    [
      'a dictionary key',
      '<Order><Attributes><entry key="a">1</entry><entry key="a">2</entry></Attributes></Order>',
      '/Attributes/a',
      /key "a" is given twice/,
    ],
    [
      'a free-form key',
      '<Order><customData type="object"><entry key="k">1</entry><entry key="k" type="number">2</entry></customData></Order>',
      '/customData/k',
      /key "k" is given twice/,
    ],
  ])('refuses %s given twice, naming it, rather than keeping one copy', (_, body, pointer, m) => {
    const error = syntaxError(body)
    expect(error.message).toMatch(m)
    expect(error.pointer).toBe(pointer)
  })

  it('still reads the same element name in sibling items and unknown elements twice', () => {
    const value = order(
      '<id>1</id><x>a</x><x>b</x><items><Item><name>a</name></Item><Item><name>b</name></Item></items>',
    )
    expect(value.items).toEqual([{ name: 'a' }, { name: 'b' }])
    expect(value.id).toBe('1')
  })

  it('keeps names JavaScript objects inherit as ordinary members', () => {
    const Loose = v.object({ toString: v.optional(v.string()), hasOwnProperty: v.string() })
    expect(
      parseXml('<r><toString>a</toString><hasOwnProperty>b</hasOwnProperty></r>', Loose, {
        maxDepth: 4,
      }),
    ).toEqual({
      toString: 'a',
      hasOwnProperty: 'b',
    })
  })

  it('throws nothing but BodySyntaxError for arbitrary input', () => {
    const pieces = fc.constantFrom(
      '<Order>',
      '</Order>',
      '<id>',
      '</id>',
      '<items>',
      '<Item>',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      '&',
      '&amp;',
      '&#',
      ';',
      '"',
      '<entry key="',
      '<?',
      '?>',
      '/>',
      '<',
      '>',
      'x',
      '\r\n',
    )
    const junk = fc.oneof(
      fc.string(),
      fc.array(pieces).map((p) => p.join('')),
    )
    fc.assert(
      fc.property(junk, (text) => {
        try {
          parse(text)
        } catch (error) {
          expect(error).toBeInstanceOf(BodySyntaxError)
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('parseXml: nothing read is dropped', () => {
  it.each([
    ['text beside the members', '<nested>a<inner>x</inner></nested>', '/nested', /both text and/],
    ['text between array items', '<tags><i>a</i>b<i>c</i></tags>', '/tags', /both text and/],
    [
      'text beside dictionary entries',
      '<Attributes>x<entry key="a">1</entry></Attributes>',
      '/Attributes',
      /both text and/,
    ],
    ['an element inside text', '<id>a@<b>x</b>example.com</id>', '/id', /text, not elements/],
    ['an element inside a number', '<count><n>1</n></count>', '/count', /text, not elements/],
    ['an untyped free-form value', '<customData><a>1</a></customData>', '/customData', /type=/],
  ])('refuses %s, naming the member', (_, inner, pointer, message) => {
    const error = syntaxError(`<Order>${inner}</Order>`)
    expect(error.pointer).toBe(pointer)
    expect(error.message).toMatch(message)
  })

  it.each([
    [
      'on the root',
      '<Order id="7"/>',
      '/id',
      /^attribute "id" is not read: send id as an element \(<id>…<\/id>\)$/,
    ],
    ['on a member', '<Order><nested inner="x"/></Order>', '/nested/inner', /send inner as an/],
    ['on an array item', '<Order><items><Item name="a"/></items></Order>', '/items/0/name', /name/],
    [
      'in a namespace',
      '<Order xmlns:f="urn:f" f:id="7"/>',
      '/id',
      /"f:id" is not read: send id as/,
    ],
    ['on a scalar', '<Order><id lang="en">7</id></Order>', '/id', /send the value of <id> as its/],
    ['on an array', '<Order><tags kind="csv"><i>a</i></tags></Order>', '/tags', /"kind"/],
    [
      'on a dictionary entry',
      '<Order><Attributes><entry key="k" value="v"/></Attributes></Order>',
      '/Attributes/k',
      /attribute "value" is not read: send the value of <entry> as its content/,
    ],
    [
      'on a free-form entry',
      '<Order><customData type="object"><entry key="k" value="v"/></customData></Order>',
      '/customData/k',
      /"value"/,
    ],
    [
      'beside xsi:nil',
      '<Order><note xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true" why="n/a"/></Order>',
      '/note',
      /"why"/,
    ],
    ['key on a member', '<Order><id key="k">7</id></Order>', '/id', /only dictionary entries have/],
    [
      'key on a free-form item',
      '<Order><customData type="array"><item key="k">1</item></customData></Order>',
      '/customData/0',
      /"key" is not read here/,
    ],
    ['type on a member', '<Order><id type="string">7</id></Order>', '/id', /only free-form values/],
    [
      'type on a dictionary',
      '<Order><Attributes type="object"><entry key="k">v</entry></Attributes></Order>',
      '/Attributes',
      /"type" is not read here/,
    ],
    [
      'type on an object',
      '<Order><nested type="object"><inner>x</inner></nested></Order>',
      '/nested',
      /"type" is not read here/,
    ],
  ])('refuses an attribute nothing reads (%s), naming it', (_, body, pointer, message) => {
    const error = syntaxError(body)
    expect(error.message).toMatch(message)
    expect(error.pointer).toBe(pointer)
  })

  it('ignores namespace declarations and the xml: and xsi: attributes serializers write', () => {
    const XSI = 'http://www.w3.org/2001/XMLSchema-instance'
    // .NET DataContractSerializer (ServiceStack), then XmlSerializer and JAXB.
    const dataContract = `<Order xmlns:i="${XSI}" xmlns="http://schemas.datacontract.org/2004/07/X"><id>1</id><note i:nil="true"/></Order>`
    expect(parse(dataContract)).toEqual({ id: '1', note: null })
    const schema = `<Order xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xsi:schemaLocation="urn:x order.xsd" xsi:noNamespaceSchemaLocation="order.xsd">`
    expect(
      parse(
        `${schema}<nested xsi:type="Nested"><inner xml:lang="en" xml:space="preserve">x</inner></nested></Order>`,
      ),
    ).toEqual({ nested: { inner: 'x' } })
  })

  it('skips the attributes of an element no member reads along with it', () => {
    expect(order('<other foo="1"><x bar="2"/></other><id>1</id>')).toEqual({ id: '1' })
  })

  it('gives a dictionary that holds only text to validation, as JSON would', () => {
    expect(order('<Attributes>plan=gold</Attributes>').Attributes).toBe('plan=gold')
    expect(order('<tags>a, b</tags>').tags).toBe('a, b')
  })

  it.each([
    ['a number', '<entry key="n" type="number">abc</entry>', /type="number" does not fit "abc"/],
    ['a number with spaces', '<entry key="n" type="number"> 1 </entry>', /type="number"/],
    ['a boolean', '<entry key="n" type="boolean">yes</entry>', /type="boolean" does not fit/],
    ['an object', '<entry key="n" type="object">text</entry>', /type="object" holds text/],
    ['an array', '<entry key="n" type="array">text</entry>', /type="array" holds text/],
    ['a null', '<entry key="n" type="null">text</entry>', /type="null" but not empty/],
    ['a null with an element', '<entry key="n" type="null"><x/></entry>', /type="null"/],
    ['untyped text', '<entry key="n"><entry key="m">1</entry></entry>', /not elements/],
  ])('refuses free-form content that does not fit its type: %s', (_, entry, message) => {
    const error = syntaxError(`<Order><customData type="object">${entry}</customData></Order>`)
    expect(error.pointer).toBe('/customData/n')
    expect(error.message).toMatch(message)
  })

  it('reads pretty-printed free-form containers', () => {
    const inner =
      '<customData type="object">\n  <entry key="a" type="array">\n    <item>x</item>\n  </entry>\n  <entry key="o" type="object">\n  </entry>\n</customData>'
    expect(order(inner).customData).toEqual({ a: ['x'], o: {} })
  })
})

describe('parseXml: namespaces', () => {
  const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

  /** `count` declarations on the root, and as many names with the first-declared prefix. */
  const declaring = (count: number) => {
    const declarations = Array.from({ length: count }, (_, i) => ` xmlns:p${i}="urn:${i}"`)
    return `<Order${declarations.join('')}>${'<p0:x/>'.repeat(count)}<id>n</id></Order>`
  }

  it('reads up to 64 namespace declarations in scope, and refuses more', () => {
    expect(parse(declaring(64))).toMatchObject({ id: 'n' })
    expect(() => parse(declaring(65))).toThrow(/more than 64 namespace declarations/)
  })

  it('reads nil only in the XML Schema instance namespace, under any prefix', () => {
    expect(order(`<note xmlns:i="${XSI}" i:nil="true"/>`).note).toBeNull()
    expect(order(`<note xmlns:i="${XSI}" i:nil="false">n</note>`).note).toBe('n')
    expect(order(`<Attributes xmlns:i="${XSI}"><entry key="k" i:nil="1"/></Attributes>`)).toEqual({
      Attributes: { k: null },
    })
    expect(syntaxError('<Order><note nil="true"/></Order>').message).toMatch(/"nil" is not read/)
    expect(
      syntaxError('<Order><note xmlns:xsi="urn:not-xsi" xsi:nil="true"/></Order>').message,
    ).toMatch(/"xsi:nil" is not read/)
  })

  it('refuses an xsi:nil that is not a boolean, or not empty', () => {
    expect(syntaxError(`<Order><note xmlns:i="${XSI}" i:nil="yes"/></Order>`).pointer).toBe('/note')
    expect(
      syntaxError(`<Order><note xmlns:i="${XSI}" i:nil="true">n</note></Order>`).message,
    ).toMatch(/xsi:nil="true" but not empty/)
  })

  it('reads only the unprefixed key and type attributes, and refuses them in a namespace', () => {
    const keyed = syntaxError(
      '<Order xmlns:f="urn:f"><Attributes><entry key="a" f:key="b">1</entry></Attributes></Order>',
    )
    expect(keyed.message).toMatch(/attribute "f:key" is not read/)
    expect(keyed.pointer).toBe('/Attributes/a')
    expect(
      syntaxError(
        '<Order xmlns:f="urn:f"><Attributes><entry f:key="b">1</entry></Attributes></Order>',
      ).message,
    ).toMatch(/needs a key attribute/)
    expect(
      syntaxError(
        '<Order><customData xmlns:f="urn:f" type="number" f:type="string">1</customData></Order>',
      ).message,
    ).toMatch(/attribute "f:type" is not read/)
  })

  it('refuses an attribute given twice under two prefixes of one namespace', () => {
    const error = syntaxError('<Order xmlns:p="urn:u" xmlns:q="urn:u"><o p:x="1" q:x="2"/></Order>')
    expect(error.message).toMatch(/"p:x" and "q:x" are the same attribute/)
    expect(error.pointer).toBe('/o')
    expect(
      parse('<Order xmlns:p="urn:u" xmlns:q="urn:v"><o x="1" p:x="2" q:x="3"/></Order>'),
    ).toEqual({})
  })

  it.each([
    ['an unbound element prefix', '<Order><x:id>1</x:id></Order>', '/id'],
    ['an unbound prefix in an unread element', '<Order><x:other/></Order>', '/other'],
    ['an unbound attribute prefix', '<Order><id x:a="1">1</id></Order>', '/id'],
    ['an unbound prefix deep in an unread element', '<Order><a><b y:c="1"/></a></Order>', '/a/b'],
    ['a name with two colons', '<Order xmlns:a="u"><a:b:c/></Order>', '/b:c'],
    ['an undeclared prefix', '<Order xmlns:a=""><id>1</id></Order>', ''],
  ])('refuses %s', (_, body, pointer) => {
    const error = syntaxError(body)
    expect(error.pointer).toBe(pointer)
  })
})

describe('parseXml: well-formedness of what the schema does not read', () => {
  it.each([
    ['an unknown entity in an unread element', '<Order><other>&bogus;</other></Order>', /&bogus;/],
    ['&#0; in an unread element', '<Order><other>&#0;</other></Order>', /&#0;/],
    [
      'an unknown entity in an unread attribute',
      '<Order><id a="&bogus;">1</id></Order>',
      /&bogus;/,
    ],
    ['&#0; in the root attribute', '<Order a="&#0;"/>', /&#0;/],
    [']]> in text', '<Order><id>a]]>b</id></Order>', /']]>'/],
    [']]> in unread text', '<Order><other>a]]>b</other></Order>', /']]>'/],
    ['an empty XML declaration', '<?xml?><Order/>', /Malformed XML declaration/],
    ['a declaration without version', '<?xml encoding="UTF-8"?><Order/>', /declaration/],
    ['a declaration in the wrong order', '<?xml encoding="UTF-8" version="1.0"?><Order/>', /decl/],
    ['a declaration after white space', ' <?xml version="1.0"?><Order/>', /only at the start/],
    ['a declaration inside the root', '<Order><?xml version="1.0"?></Order>', /only at the start/],
    ['a declaration in capitals', '<?XML version="1.0"?><Order/>', /reserved/],
    ['a nameless processing instruction', '<Order><? x?></Order>', /name/],
    ['a colon in a processing instruction target', '<Order><?x-y:z?></Order>', /contain ":"/],
    ['a colon in the target before the root', '<?x:y?><Order/>', /contain ":"/],
    ['a target that is not a name', '<Order><?a<b?></Order>', /start with a name/],
    ['a target run into its data', '<Order><?a?b?></Order>', /start with a name/],
    ['"--" in a comment', '<Order><!-- c -- d --><id>1</id></Order>', /must not contain "--"/],
    ['a comment ending in "--->"', '<Order><!-- c ---></Order>', /comment/],
    ['"--" in a comment before the root', '<!-- a -- b --><Order/>', /comment/],
  ])('refuses %s', (_, body, message) => {
    expect(syntaxError(body).message).toMatch(message)
  })

  it('reads character references with leading zeros and any declaration the grammar allows', () => {
    expect(order('<id>&#0000000065;&#x000000041;</id>').id).toBe('AA')
    for (const declaration of [
      '<?xml version="1.0"?>',
      "<?xml version='1.1' encoding='utf-8' standalone='yes' ?>",
      '<?xml version = "1.0"\n encoding = "UTF-8"?>',
    ])
      expect(parse(`${declaration}<Order><id>1</id></Order>`)).toEqual({ id: '1' })
    expect(parse('<?xml-stylesheet href="a.xsl"?><Order><id>1</id></Order>')).toEqual({ id: '1' })
    expect(parse('<Order><?pé·-1 x?><?_a.b?><!----><!-- a - b --><id>1</id></Order>')).toEqual({
      id: '1',
    })
  })
})
