import type { Negotiated } from '../app/types.ts'
import type { Links } from '../formats/types.ts'
import { markUrl } from '../negotiation/index.ts'

// Relations that name this representation or another page of the same collection (RFC 8288,
// RFC 5005): following them means reading more of what was asked for, in the same format.
const OWN = new Set(['self', 'first', 'prev', 'previous', 'next', 'last'])

/**
 * A response's links as the client should follow them: when the URL named the format
 * (`/contacts.csv`, `?format=xml`, `/csv/reply/Op`), the links to this resource and to the
 * other pages of its collection name it the same way, so a client that cannot send Accept (a
 * spreadsheet's import from a URL) pages on in CSV rather than JSON. Links to other resources
 * (`collection`, an operation, a template) stay canonical, and so does `Location`, which is
 * no link. Accept-negotiated links are returned as they are.
 *
 * @example
 * ownLinks(negotiatedByCsvSuffix, { self: { href: '/u?skip=0' }, collection: { href: '/u' } })
 * // { self: { href: '/u.csv?skip=0' }, collection: { href: '/u' } }
 */
export const ownLinks = (negotiated: Negotiated, links: Links): Links => {
  const { styles } = negotiated
  if (!negotiated.byUrl || !styles?.length) return links
  const key = negotiated.format.key
  const marked: Links = {}
  for (const [rel, link] of Object.entries(links))
    marked[rel] =
      OWN.has(rel) && !link.templated ? { ...link, href: markUrl(link.href, key, styles) } : link
  return marked
}
