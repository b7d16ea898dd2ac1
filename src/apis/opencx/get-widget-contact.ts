import type { Endpoint } from '../../app/types.ts'
import { bearerProblem } from '../../helper/bearer.ts'
import { respond } from '../../helper/respond.ts'
import { contactIdOf, contactToken } from '../../middleware/contact-token.ts'
import { Contact } from '../../model/contact.ts'
import { WIDGET_CONTACT } from './paths.ts'

/** `GET /widget/contact`: the contact a contact token was issued for. */
export const getWidgetContact: Endpoint = {
  method: 'GET',
  path: WIDGET_CONTACT,
  name: 'getWidgetContact',
  title: 'Read the contact of a contact token',
  response: Contact,
  middleware: [contactToken()],
  handler: async (c) => {
    const contact = await c.get('deps').store.contacts.get(contactIdOf(c))
    // A token for a contact that is gone identifies no one: the token is what is invalid.
    if (!contact)
      throw bearerProblem('The contact of this token no longer exists.', 'invalid_token')
    return respond(c, Contact, contact, { links: { self: { href: WIDGET_CONTACT } } })
  },
}
