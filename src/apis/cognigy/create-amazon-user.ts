import type { Endpoint } from '../../app/types.ts'
import { readBody } from '../../body/read-body.ts'
import { respond } from '../../helper/respond.ts'
import { vault } from '../../helper/vault.ts'
import { apiKey } from '../../middleware/api-key.ts'
import { AmazonUser, CreateAmazonUser } from '../../model/amazon-user.ts'
import { userPath } from './paths.ts'

/** `POST /v2.0/external/alexa/users`: stores the tokens sealed and answers 201 + Location. */
export const createAmazonUser: Endpoint = {
  method: 'POST',
  path: '/v2.0/external/alexa/users',
  name: 'createAmazonUser',
  title: 'Create an authenticated Amazon user from its access and refresh tokens',
  request: CreateAmazonUser,
  response: AmazonUser,
  status: 201,
  middleware: [apiKey()],
  handler: async (c) => {
    const input = await readBody(c, CreateAmazonUser)
    const deps = c.get('deps')
    const id = deps.newId()
    const now = deps.clock().toISOString()
    const box = await vault(c)
    const user = await deps.store.alexaUsers.create({
      _id: id,
      createdAt: now,
      lastChanged: now,
      createdBy: c.get('principal'),
      lastChangedBy: c.get('principal'),
      accessTokenSealed: await box.seal(input.accessToken, `alexa_users/${id}/access_token`),
      refreshTokenSealed: await box.seal(input.refreshToken, `alexa_users/${id}/refresh_token`),
    })
    const self = userPath(c, id)
    return respond(c, AmazonUser, user, {
      links: { self: { href: self } },
      headers: { Location: self },
    })
  },
}
