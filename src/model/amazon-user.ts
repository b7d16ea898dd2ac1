import * as v from 'valibot'
import { maxChars } from './max-chars.ts'
import { named, writeOnly } from './meta.ts'
import { collectionOf } from './collection.ts'
import { plainObject } from './plain-object.ts'

const Token = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('must not be empty'),
  maxChars(4096, 'must be at most 4096 characters'),
)

/** `POST /v2.0/external/alexa/users`: the Amazon account's OAuth tokens (Cognigy seed). */
export const CreateAmazonUser = named(
  'CreateAmazonUser',
  plainObject({
    accessToken: writeOnly(Token),
    refreshToken: writeOnly(Token),
  }),
)

export type CreateAmazonUser = v.InferOutput<typeof CreateAmazonUser>

/**
 * An authenticated Amazon user of the Cognigy project. The tokens are write-only: stored
 * encrypted, never part of any representation.
 */
export const AmazonUser = named(
  'AmazonUser',
  v.object({
    _id: v.string(),
    createdAt: v.pipe(v.string(), v.isoTimestamp()),
    lastChanged: v.pipe(v.string(), v.isoTimestamp()),
    createdBy: v.string(),
    lastChangedBy: v.string(),
    accessToken: v.optional(writeOnly(v.string())),
    refreshToken: v.optional(writeOnly(v.string())),
  }),
)

export type AmazonUser = v.InferOutput<typeof AmazonUser>

export const AmazonUsers = collectionOf('AmazonUsers', AmazonUser)
