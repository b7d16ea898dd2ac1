import type { Context } from 'hono'
import type { AppEnv } from '../../app/types.ts'
import { readBody } from '../../body/read-body.ts'
import { readQuery } from '../../body/read-query.ts'
import { CognitoSendConfirmCodeRequest } from '../../model/cognito.ts'
import { ProblemError } from '../../problems/problem-error.ts'

type Dto = CognitoSendConfirmCodeRequest

const givenTwice = (member: string) =>
  new ProblemError(
    'badQuery',
    `${member} is given in the query string and in the body with different values; send it once.`,
    {
      details: {
        errors: [
          { pointer: `/${member}`, message: 'differs between the query string and the body' },
        ],
      },
    },
  )

/** One value, as the operation reads it: an address in any letter case is one user's. */
const sameValue = (member: keyof Dto, a: unknown, b: unknown): boolean =>
  member === 'EmailAddress' && typeof a === 'string' && typeof b === 'string'
    ? a.toLowerCase() === b.toLowerCase()
    : a === b

/**
 * The request DTO as ServiceStack binds it: from the query string on every method, and on
 * POST from the body too (an empty body is the DTO with every member absent; a body over the
 * size limit is a 413 in the DTO, OpCode 1050, as its other failures are). Member names
 * match in any letter case (`?emailaddress=`, `{"emailAddress": …}`), in every body format.
 * Query parameters the DTO does not name (`format`) are ignored on POST as on GET. A member
 * given in both with one value is that value; with two it is a 400 naming it (1002), as a
 * member given twice anywhere else is refused rather than one copy taken.
 *
 * @example
 * handler: (c) => reply(c, () => readRequestDto(c))
 */
export const readRequestDto = async (c: Context<AppEnv>): Promise<Dto> => {
  const query = readQuery(c, CognitoSendConfirmCodeRequest, { ignoreCase: true })
  if (c.req.method !== 'POST') return query
  const body = await readBody(c, CognitoSendConfirmCodeRequest, {
    allowEmpty: true,
    ignoreCase: true,
    limit: true,
  })
  for (const [member, value] of Object.entries(query) as [keyof Dto, unknown][]) {
    if (
      value !== undefined &&
      body[member] !== undefined &&
      !sameValue(member, body[member], value)
    )
      throw givenTwice(member)
  }
  return { ...body, ...query }
}
