import type * as v from 'valibot'
import { pointerToken } from '../formats/coerce.ts'

/** JSON pointer of a valibot issue path (`/details/errors/0/pointer`). */
export const issuePointer = (issue: v.BaseIssue<unknown>): string =>
  (issue.path ?? []).map((item) => `/${pointerToken(String(item.key))}`).join('')

/**
 * The message of an issue, in words a client can act on. valibot reports a missing member as
 * "Invalid key: Expected "x" but received undefined"; the pointer already names it.
 */
export const issueMessage = (issue: v.BaseIssue<unknown>): string =>
  issue.kind === 'schema' && issue.received === 'undefined' && issue.path?.length
    ? 'is required'
    : issue.message
