import * as v from 'valibot'
import { collectionOf, wholeCollectionOf } from './collection.ts'
import {
  AvatarUrl,
  ChatContext,
  CustomData,
  Email,
  HttpActionOverrides,
  Language,
  Name,
  Phone,
} from './contact-fields.ts'
import { named } from './meta.ts'
import { plainObject } from './plain-object.ts'

/**
 * `POST /widget/authenticate-user` (open.cx seed). Every member is optional, but a contact
 * needs an identity: an email, or a phone when it has no email.
 */
export const AuthenticateUser = named(
  'AuthenticateUser',
  v.pipe(
    plainObject({
      email: v.optional(Email),
      name: v.optional(Name),
      avatar_url: v.optional(AvatarUrl),
      phone: v.optional(Phone),
      language: v.optional(Language),
      customData: v.optional(CustomData),
      chat_context: v.optional(ChatContext),
      http_action_overrides: v.optional(HttpActionOverrides),
    }),
    // A partial check runs even when other members are invalid, so every problem is reported
    // at once; the issue points at `/email`, the member a client most likely forgot.
    v.forward(
      v.partialCheck(
        [['email'], ['phone']],
        (input) => input.email !== undefined || input.phone !== undefined,
        'an email or a phone is required to identify the contact',
      ),
      ['email'],
    ),
    // The same rule for OpenAPI, which cannot read a check.
    v.metadata({ anyOf: [{ required: ['email'] }, { required: ['phone'] }] }),
    v.description('A contact needs an identity: an email, or a phone when it has no email.'),
  ),
)

export type AuthenticateUser = v.InferOutput<typeof AuthenticateUser>

/** The members of a contact that a request sets. */
export type ContactFields = AuthenticateUser

/** What authenticate-user answers: a contact token and the contact it is for. */
export const AuthenticatedContact = named(
  'AuthenticatedContact',
  v.object({
    token: v.string(),
    contact: v.object({ id: v.string() }),
  }),
)

export type AuthenticatedContact = v.InferOutput<typeof AuthenticatedContact>

/** An open.cx contact as stored: the request's members, its id and its timestamps. */
export const Contact = named(
  'Contact',
  v.object({
    id: v.string(),
    email: v.optional(v.string()),
    name: v.optional(v.string()),
    avatar_url: v.optional(v.string()),
    phone: v.optional(v.string()),
    language: v.optional(Language),
    customData: v.optional(CustomData),
    chat_context: v.optional(v.string()),
    http_action_overrides: v.optional(HttpActionOverrides),
    createdAt: v.pipe(v.string(), v.isoTimestamp()),
    updatedAt: v.pipe(v.string(), v.isoTimestamp()),
  }),
)

export type Contact = v.InferOutput<typeof Contact>

export const Contacts = collectionOf('Contacts', Contact)

/** Every contact in one streamed document (`GET /contacts/export`). */
export const ContactExport = wholeCollectionOf('ContactExport', Contact)
