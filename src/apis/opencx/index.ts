export { authenticateUser } from './authenticate-user.ts'
export { getContact } from './get-contact.ts'
export { getWidgetContact } from './get-widget-contact.ts'
export { listContacts } from './list-contacts.ts'
