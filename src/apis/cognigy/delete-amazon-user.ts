import type { Endpoint } from '../../app/types.ts'
import { apiKey } from '../../middleware/api-key.ts'
import { ProblemError } from '../../problems/problem-error.ts'

/** `DELETE /v2.0/external/alexa/users/{id}`: 204, or 404 when there is no such user. */
export const deleteAmazonUser: Endpoint = {
  method: 'DELETE',
  path: '/v2.0/external/alexa/users/:id',
  name: 'deleteAmazonUser',
  title: 'Delete one Amazon user and its stored tokens',
  middleware: [apiKey()],
  handler: async (c) => {
    const id = c.req.param('id')!
    if (!(await c.get('deps').store.alexaUsers.delete(id))) {
      throw new ProblemError('notFound', `There is no AmazonUser with _id "${id}".`)
    }
    return c.body(null, 204)
  },
}
