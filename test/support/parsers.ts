import { parse as parseCsvText } from 'csv-parse/sync'
import { SaxesParser } from 'saxes'

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

/**
 * Parses XML with saxes, a strict XML 1.0 parser independent of the gateway's own: any
 * well-formedness error throws.
 */
export const parseXmlStrict = (text: string): XmlElement => {
  const parser = new SaxesParser({ xmlns: true })
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {}
    for (const [name, attr] of Object.entries(tag.attributes)) {
      attributes[name] = typeof attr === 'string' ? attr : attr.value
    }
    const element: XmlElement = { name: tag.name, attributes, children: [], text: '' }
    stack.at(-1)?.children.push(element)
    stack.push(element)
    root ??= element
  })
  parser.on('text', (t) => {
    const top = stack.at(-1)
    if (top) top.text += t
  })
  parser.on('closetag', () => {
    stack.pop()
  })
  parser.write(text).close()
  if (!root) throw new Error('no root element')
  return root
}

/** The child element named `name`, or undefined. */
export const child = (element: XmlElement, name: string): XmlElement | undefined =>
  element.children.find((c) => c.name === name)

/** Reads CSV with csv-parse (an RFC 4180 reader independent of the gateway's own). */
export const parseCsvStrict = (text: string): Record<string, string>[] => {
  if (!text.endsWith('\r\n')) throw new Error('CSV must end with CRLF')
  if (/(^|[^\r])\n/.test(text.replace(/"(?:[^"]|"")*"/g, ''))) throw new Error('bare LF line end')
  return parseCsvText(text, { columns: true, record_delimiter: '\r\n', relax_column_count: false })
}

/** The body parsed by the independent parser that matches its Content-Type. */
export const parseBody = async (res: Response): Promise<unknown> => {
  const type = res.headers.get('Content-Type') ?? ''
  const text = await res.text()
  if (/json/.test(type)) return JSON.parse(text)
  if (/xml/.test(type)) return parseXmlStrict(text)
  if (/csv/.test(type)) return parseCsvStrict(text)
  throw new Error(`unexpected Content-Type ${type}`)
}
