import type { Endpoint } from '../../app/types.ts'
import { respond } from '../../helper/respond.ts'
import { apiKey } from '../../middleware/api-key.ts'
import { AmazonUser } from '../../model/amazon-user.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { userPath, usersPath } from './paths.ts'

/** `GET /v2.0/external/alexa/users/{id}`. */
export const getAmazonUser: Endpoint = {
  method: 'GET',
  path: '/v2.0/external/alexa/users/:id',
  name: 'getAmazonUser',
  title: 'Read one Amazon user',
  response: AmazonUser,
  middleware: [apiKey()],
  handler: async (c) => {
    const id = c.req.param('id')!
    const user = await c.get('deps').store.alexaUsers.get(id)
    if (!user) throw new ProblemError('notFound', `There is no AmazonUser with _id "${id}".`)
    return respond(c, AmazonUser, user, {
      links: { self: { href: userPath(c, id) }, collection: { href: usersPath(c) } },
    })
  },
}
