import type { Endpoint } from '../../app/types.ts'
import { pageAnswer, readPage } from '../../helper/paginate.ts'
import { respond } from '../../helper/respond.ts'
import { apiKey } from '../../middleware/api-key.ts'
import { type AmazonUser, AmazonUsers } from '../../model/amazon-user.ts'
import { PageQuery } from '../../model/collection.ts'
import { userPath, usersPath } from './paths.ts'

/** `GET /v2.0/external/alexa/users`: a page in the order stored, with the total. */
export const listAmazonUsers: Endpoint = {
  method: 'GET',
  path: '/v2.0/external/alexa/users',
  name: 'listAmazonUsers',
  title: 'List Amazon users, oldest first, a page at a time',
  response: AmazonUsers,
  query: PageQuery,
  middleware: [apiKey()],
  handler: async (c) => {
    const page = readPage(c)
    const result = await c.get('deps').store.alexaUsers.list(page)
    const { value, options } = pageAnswer(page, result, usersPath(c), (user: AmazonUser) =>
      userPath(c, user._id),
    )
    return respond(c, AmazonUsers, value, options)
  },
}
