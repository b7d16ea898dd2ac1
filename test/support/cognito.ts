import { parseCsvStrict, parseXmlStrict, type XmlElement } from './parsers.ts'

/** The ServiceStack operation's route. */
export const OP = '/CognitoSendConfirmCodeRequest'

export type Dto = Record<string, string>

const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;')

/** A request DTO as a body of the given Content-Type (HAL clients send JSON). */
export const encodeDto = (contentType: string, dto: Dto): string => {
  const entries = Object.entries(dto)
  switch (contentType) {
    case 'application/xml':
    case 'text/xml':
      return `<CognitoSendConfirmCodeRequest xmlns="http://schemas.datacontract.org/2004/07/Cdn.Api">${entries
        .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
        .join('')}</CognitoSendConfirmCodeRequest>`
    case 'text/csv':
      return `${entries.map(([k]) => k).join(',')}\r\n${entries.map(([, v]) => v).join(',')}\r\n`
    case 'application/x-www-form-urlencoded':
      return new URLSearchParams(dto).toString()
    default:
      return JSON.stringify(dto)
  }
}

/** The body Content-Type a client answered in `mediaType` would send. */
export const bodyTypeFor = (mediaType: string): string =>
  mediaType === 'application/hal+json' ? 'application/json' : mediaType

/** `POST /CognitoSendConfirmCodeRequest` with the DTO as a body, answered in `accept`. */
export const opRequest = (
  dto: Dto,
  accept = 'application/json',
  contentType = 'application/json',
) =>
  ({
    method: 'POST',
    headers: { Accept: accept, 'Content-Type': contentType },
    body: encodeDto(contentType, dto),
  }) satisfies RequestInit

const flattenJson = (value: unknown, prefix: string, out: Dto): Dto => {
  if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      if (key !== '_links') flattenJson(member, prefix ? `${prefix}.${key}` : key, out)
    }
  } else if (value !== undefined && value !== null) out[prefix] = String(value)
  return out
}

const flattenXml = (element: XmlElement, prefix: string, out: Dto): Dto => {
  for (const child of element.children) {
    const name = child.name === 'entry' ? child.attributes.key! : child.name
    const path = prefix ? `${prefix}.${name}` : name
    if (child.children.length > 0) flattenXml(child, path, out)
    else if (child.text !== '') out[path] = child.text
  }
  return out
}

/**
 * A response DTO in any format, read by the independent parsers and flattened to the CSV view
 * (`Data.Attributes.email` → text, empty cells dropped), so one assertion fits every format.
 */
export const readDto = async (res: Response): Promise<Dto & { root?: string }> => {
  const type = res.headers.get('Content-Type') ?? ''
  const text = await res.text()
  if (type.includes('json')) return flattenJson(JSON.parse(text), '', {})
  if (type.includes('xml')) {
    const root = parseXmlStrict(text)
    return { ...flattenXml(root, '', {}), root: root.name }
  }
  const rows = parseCsvStrict(text)
  if (rows.length !== 1) throw new Error(`expected one CSV row, got ${rows.length}`)
  return Object.fromEntries(Object.entries(rows[0]!).filter(([, cell]) => cell !== ''))
}

/** A 6-digit code that is not `code`. */
export const otherCode = (code: string): string =>
  String((Number(code) + 1) % 1_000_000).padStart(6, '0')
