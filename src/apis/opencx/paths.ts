import { pathSegment } from '../../helper/path-segment.ts'

/** The open.cx routes, in one place for handlers and links. */
export const AUTHENTICATE_USER = '/widget/authenticate-user'
export const WIDGET_CONTACT = '/widget/contact'
export const CONTACTS = '/contacts'

export const contactPath = (id: string): string => `${CONTACTS}/${pathSegment(id)}`
export const CONTACTS_EXPORT = '/contacts/export'
