import type { Context } from 'hono'
import * as v from 'valibot'
import { requestUrl } from '../app/request-url.ts'
import type { AppEnv } from '../app/types.ts'
import { parseForm } from '../formats/form-parse.ts'
import { BodySyntaxError } from '../formats/types.ts'
import { ProblemError } from '../problems/problem-error.ts'
import { validationProblem } from './read-body.ts'

export interface ReadQueryOptions {
  /** Parameter names match the schema's members in any letter case (`?emailaddress=`). */
  ignoreCase?: boolean
}

/**
 * Reads a request DTO from the query string, as ServiceStack binds GET requests: the names and
 * rules of a form body (dotted paths, an empty value is absent, a name given twice is refused),
 * coerced and validated by the schema. Parameters the schema does not name (`format`) are
 * ignored. A malformed query is a 1002 problem, invalid values the 1000 problem.
 *
 * @example
 * const input = readQuery(c, CognitoSendConfirmCodeRequest) // ?EmailAddress=a%40example.com
 */
export const readQuery = <TSchema extends v.GenericSchema>(
  c: Context<AppEnv>,
  schema: TSchema,
  options: ReadQueryOptions = {},
): v.InferOutput<TSchema> => {
  let raw: unknown
  try {
    raw = parseForm(requestUrl(c.req.raw).search.slice(1), schema, {
      maxDepth: c.get('limits').maxDepth,
      ignoreCase: options.ignoreCase ?? false,
    })
  } catch (error) {
    if (!(error instanceof BodySyntaxError)) throw error
    // The form parser speaks of a body; here the same text is the query string.
    const message = error.message.replace(/^Malformed form body: /, '')
    throw new ProblemError('badQuery', `The query string is malformed: ${message}`, {
      details: { errors: [{ pointer: error.pointer, message }] },
    })
  }
  const result = v.safeParse(schema, raw)
  if (!result.success) throw validationProblem(result.issues)
  return result.output
}
