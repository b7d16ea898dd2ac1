import type { Endpoint } from '../../app/types.ts'
import { EXPORT_FORMATS, openExportWriter } from '../../formats/export-writer.ts'
import { attachment } from '../../helper/download.ts'
import { exportStream } from '../../helper/export-stream.ts'
import { ownLinks } from '../../helper/own-links.ts'
import { linkHeaders } from '../../helper/respond.ts'
import { orgToken } from '../../middleware/org-token.ts'
import { type Contact, Contact as ContactSchema, ContactExport } from '../../model/contact.ts'
import { typeName } from '../../model/shape.ts'
import { CONTACTS, CONTACTS_EXPORT, contactPath } from './paths.ts'

/**
 * `GET /contacts/export`: every contact in the order stored, streamed in the negotiated format
 * as it is read, a few hundred at a time (keyset paging on `seq`, in batches of
 * about 60,000 characters: see `exportReader`). JSON is
 * `{"items":[…],"total":N}`, HAL embeds the items with their `self` links, XML is
 * `<ContactExport><items>…</items><total>N</total></ContactExport>`, CSV is a header and one
 * row per contact whose columns are fixed before the first row, those a page of every contact
 * has: the static ones, `customData.<key>` for every key some contact has (the `contact_keys`
 * table, which triggers keep current, so these need no pass over the contacts), and the
 * columns of the contacts that have `http_action_overrides` or a customData that is not an
 * object (read through indexes of just those: `columnSamples`). Each item's bytes are those a
 * page of `GET /contacts` writes for it. HTML has no streamed form: Accept is
 * negotiated among the other formats (`formats`). A browser saves it as a file:
 * `contacts-<day>.<extension>` (`download`). The header and the first batch are ready before
 * the response is: a failure there is a problem with its status, one later cuts the body.
 */
const DOWNLOAD = 'contacts'

export const exportContacts: Endpoint = {
  method: 'GET',
  path: CONTACTS_EXPORT,
  name: 'exportContacts',
  title: 'Export every contact, streamed (JSON, HAL, XML or CSV)',
  response: ContactExport,
  formats: EXPORT_FORMATS,
  itemsAt: CONTACTS,
  download: DOWNLOAD,
  middleware: [orgToken()],
  handler: async (c) => {
    const negotiated = c.get('negotiated')!
    const { format, mediaType } = negotiated
    const contacts = c.get('deps').store.contacts
    const links = ownLinks(negotiated, { self: { href: CONTACTS_EXPORT } })
    const options = {
      format: format.key,
      rootName: typeName(ContactExport)!,
      itemSchema: ContactSchema,
      links,
      itemLinks: (item: unknown) => ({ self: { href: contactPath((item as Contact).id) } }),
      maxDepth: c.get('limits').maxDepth,
    }
    const traceId = c.get('traceId')
    const body = await exportStream<Contact>({
      next: contacts.exportReader(),
      writer: async () =>
        (await openExportWriter(options, {
          freeKeys: async () => ({ customData: await contacts.customDataKeys() }),
          samples: () => contacts.columnSamples(),
        }))!,
      onError: (error) =>
        c.get('deps').logger.error('export failed mid-stream', { traceId, error: String(error) }),
    })
    const headers = {
      'Content-Type': format.contentType(mediaType),
      ...linkHeaders(format, links),
      'Content-Disposition': attachment(DOWNLOAD, format, c.get('deps').clock()),
    }
    return c.body(body, 200, headers)
  },
}
