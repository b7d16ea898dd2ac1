import type { Endpoint } from '../../app/types.ts'
import { respond } from '../../helper/respond.ts'
import { orgToken } from '../../middleware/org-token.ts'
import { Contact } from '../../model/contact.ts'
import { ProblemError } from '../../problems/problem-error.ts'
import { CONTACTS, contactPath } from './paths.ts'

/** `GET /contacts/{id}`: one contact, for the organisation (what collection items link to). */
export const getContact: Endpoint = {
  method: 'GET',
  path: `${CONTACTS}/:id`,
  name: 'getContact',
  title: 'Read one contact',
  response: Contact,
  middleware: [orgToken()],
  handler: async (c) => {
    const id = c.req.param('id')!
    const contact = await c.get('deps').store.contacts.get(id)
    if (!contact) throw new ProblemError('notFound', `There is no Contact with id "${id}".`)
    return respond(c, Contact, contact, {
      links: { self: { href: contactPath(id) }, collection: { href: CONTACTS } },
    })
  },
}
