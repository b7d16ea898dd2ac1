import type { Endpoint } from '../../app/types.ts'
import { readBody } from '../../body/read-body.ts'
import { issueContactToken } from '../../helper/contact-token.ts'
import { respond } from '../../helper/respond.ts'
import { orgToken } from '../../middleware/org-token.ts'
import { AuthenticatedContact, AuthenticateUser } from '../../model/contact.ts'
import { AUTHENTICATE_USER, contactPath, WIDGET_CONTACT } from './paths.ts'

/**
 * `POST /widget/authenticate-user` (open.cx seed): upserts the contact the body identifies
 * (email, else phone; see `store/contacts.ts`) and answers a contact token for it.
 */
export const authenticateUser: Endpoint = {
  method: 'POST',
  path: AUTHENTICATE_USER,
  name: 'authenticateUser',
  title: 'Create or update a contact by email (or phone) and issue its contact token',
  request: AuthenticateUser,
  response: AuthenticatedContact,
  middleware: [orgToken()],
  handler: async (c) => {
    const input = await readBody(c, AuthenticateUser)
    const deps = c.get('deps')
    const id = await deps.store.contacts.upsert(input, {
      newId: deps.newId(),
      now: deps.clock().toISOString(),
    })
    const token = await issueContactToken(c, id)
    return respond(
      c,
      AuthenticatedContact,
      { token, contact: { id } },
      {
        links: {
          self: { href: AUTHENTICATE_USER },
          widgetContact: { href: WIDGET_CONTACT },
          contact: { href: contactPath(id) },
        },
        // A bearer credential: no cache may keep it (RFC 6749 §5.1).
        headers: { 'Cache-Control': 'no-store' },
      },
    )
  },
}
