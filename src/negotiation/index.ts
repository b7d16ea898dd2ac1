export { MAX_RANGES, parseAccept, type MediaRange } from './accept.ts'
export { markUrl } from './mark-url.ts'
export { negotiateMediaType, negotiateRanges } from './negotiate.ts'
export { negotiateProblemType } from './problem-type.ts'
export {
  selectFormat,
  type FormatOffer,
  type FormatRequest,
  type FormatSelection,
} from './select-format.ts'
export { type MarkerStyle, urlFormat, type UrlFormat } from './url-format.ts'
