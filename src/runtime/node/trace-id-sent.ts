import type { ServerResponse } from 'node:http'
import { TRACE_HEADER } from '../../middleware/response-headers.ts'

const TRACE_LINE = new RegExp(`\r\n${TRACE_HEADER}:[ \t]*([^\r]*)`, 'i')

/**
 * The trace id a response's head carried, or undefined before a head went out. The adapter
 * writes the head with `writeHead` and an object, which Node keeps only as the text it sent
 * (`_header`; `getHeader` does not see it). Read only once a response is over or cut.
 *
 * @example
 * traceIdSent(response) // 'api--1d9dfbc2-…'
 */
export const traceIdSent = (response: ServerResponse): string | undefined => {
  const head = (response as { _header?: unknown })._header
  return typeof head === 'string' ? TRACE_LINE.exec(head)?.[1] : undefined
}
