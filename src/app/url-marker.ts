import { OPERATIONS } from '../apis/servicestack/operations.ts'
import { formats } from '../formats/registry.ts'
import { urlFormat, type UrlFormat } from '../negotiation/index.ts'
import { requestUrl } from './request-url.ts'

const formatKeys = formats.map((f) => f.key)
const read = new WeakMap<Request, UrlFormat>()

/**
 * The format the request's URL names and the path it routes on (`urlFormat` over the
 * registry's keys and the ServiceStack operations), read once per request: the router asks
 * for the path, negotiation for the format.
 *
 * @example
 * urlMarker(new Request('http://h/csv/reply/CognitoSendConfirmCodeRequest'))
 * // { path: '/CognitoSendConfirmCodeRequest', key: 'csv', styles: ['reply'] }
 */
export const urlMarker = (request: Request): UrlFormat => {
  let marker = read.get(request)
  if (!marker) {
    const url = requestUrl(request)
    marker = urlFormat(url.pathname, url.searchParams, formatKeys, OPERATIONS)
    read.set(request, marker)
  }
  return marker
}
