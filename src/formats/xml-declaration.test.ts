import { describe, expect, it } from 'vitest'
import { declaredXmlEncoding, isUtf8, xmlDeclaration } from './xml-declaration.ts'
import { BodySyntaxError } from './types.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('declaredXmlEncoding', () => {
  it.each([
    ['<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 'ISO-8859-1'],
    ["<?xml version='1.0'  encoding = 'utf-16' ?><a/>", 'utf-16'],
    ['\uFEFF<?xml version="1.0" encoding="UTF-8"?><a/>', 'UTF-8'],
    ['<?xml version="1.0"?><a/>', undefined],
    ['<a encoding="latin1"/>', undefined],
    ['<?xml-stylesheet encoding="latin1"?><a/>', undefined],
    ['<?xml version="1.0"?><a encoding="latin1"/>', undefined],
    ['<?xml version="1.0" encoding=""?><a/>', undefined],
  ])('reads the encoding %s announces: %s', (text, encoding) => {
    expect(declaredXmlEncoding(bytes(text))).toBe(encoding)
  })

  it('recognises UTF-16 without a byte order mark by its first characters', () => {
    expect(declaredXmlEncoding(new Uint8Array([0x00, 0x3c, 0x00, 0x3f]))).toBe('UTF-16BE')
    expect(declaredXmlEncoding(new Uint8Array([0x3c, 0x00, 0x3f, 0x00]))).toBe('UTF-16LE')
  })
})

describe('xmlDeclaration', () => {
  it('reads a declaration that follows the grammar', () => {
    expect(xmlDeclaration('<?xml version="1.0" encoding="UTF-8"?><a/>')).toEqual({
      length: 38,
      encoding: 'UTF-8',
    })
    expect(xmlDeclaration('<?xml version="1.0" standalone="no"?>')).toEqual({ length: 37 })
  })

  it.each([
    '<?xml?>',
    '<?xml version="2.0"?>',
    '<?xml version="1.0" encoding="UTF 8"?>',
    '<?xml version="1.0" standalone="maybe"?>',
    '<?xml version="1.0" foo="bar"?>',
    '<?xml version="1.0"',
  ])('refuses %s', (text) => {
    expect(() => xmlDeclaration(text)).toThrow(BodySyntaxError)
  })
})

describe('isUtf8', () => {
  it.each([
    ['UTF-8', true],
    ['utf-8', true],
    ['UTF8', true],
    ['UTF-16', false],
    ['ISO-8859-1', false],
    ['utf-8 ', false],
  ])('%s means UTF-8: %s', (name, expected) => {
    expect(isUtf8(name)).toBe(expected)
  })
})
