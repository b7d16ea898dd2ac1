import type { Endpoint } from '../../app/types.ts'
import { pageAnswer, readPage } from '../../helper/paginate.ts'
import { respond } from '../../helper/respond.ts'
import { orgToken } from '../../middleware/org-token.ts'
import { PageQuery } from '../../model/collection.ts'
import { type Contact, Contacts } from '../../model/contact.ts'
import { CONTACTS, contactPath } from './paths.ts'

/**
 * `GET /contacts`: a page of contacts in the order stored, with the total. As `text/csv` it is
 * the spreadsheet export: one row per contact, a `customData.<key>` column per key any contact
 * on the page has, formula-like text neutralised, numbers left as numbers.
 */
export const listContacts: Endpoint = {
  method: 'GET',
  path: CONTACTS,
  name: 'listContacts',
  title: 'List contacts, oldest first, a page at a time (the CSV export)',
  response: Contacts,
  query: PageQuery,
  middleware: [orgToken()],
  handler: async (c) => {
    const page = readPage(c)
    const result = await c.get('deps').store.contacts.list(page)
    const { value, options } = pageAnswer(page, result, CONTACTS, (contact: Contact) =>
      contactPath(contact.id),
    )
    return respond(c, Contacts, value, options)
  },
}
