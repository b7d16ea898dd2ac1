import * as v from 'valibot'
import { emailAddress } from './email-address.ts'
import { named, writeOnly } from './meta.ts'
import { plainObject } from './plain-object.ts'

// The ServiceStack seed's DTOs, with its names, PascalCase members and types. Every member is
// optional, as the seed's "Required: No" says.

const text = () => v.optional(v.string('must be a string'))
/** .NET `DateTime`: ISO 8601 text in every representation. */
const DateTime = v.optional(v.pipe(v.string(), v.isoTimestamp()))
/** .NET `Dictionary<string, string>`: keyed entries in XML, `<Field>.<key>` columns in CSV. */
const Dictionary = v.optional(v.record(v.string(), v.string()))
const Int = v.optional(v.pipe(v.number(), v.integer()))

/**
 * A member of the request DTO, a .NET `string`: ServiceStack's clients send one that is not
 * set as `null` (JSON) or `i:nil="true"` (XML, the DataContractSerializer), and it means the
 * member is absent.
 */
const nullMeansAbsent = <TSchema extends v.GenericSchema<string, string>>(schema: TSchema) =>
  v.pipe(
    v.nullish(schema),
    v.transform((value) => value ?? undefined),
  )

/** `POST /CognitoSendConfirmCodeRequest`: the address alone sends a code; with a code, confirms. */
export const CognitoSendConfirmCodeRequest = named(
  'CognitoSendConfirmCodeRequest',
  v.pipe(
    plainObject({
      EmailAddress: nullMeansAbsent(emailAddress()),
      ConfirmationCode: nullMeansAbsent(
        v.pipe(v.string('must be a string'), v.trim(), v.regex(/^\d{6}$/, 'must be 6 digits')),
      ),
    }),
    // The flow's two steps, the first the one a client starts with (and the one every sample
    // shows: a code it could confirm is one only its mailbox has).
    v.examples([
      { EmailAddress: 'user@example.com' },
      { EmailAddress: 'user@example.com', ConfirmationCode: '123456' },
    ]),
  ),
)

export type CognitoSendConfirmCodeRequest = v.InferOutput<typeof CognitoSendConfirmCodeRequest>

export const CognitoUserPool = named(
  'CognitoUserPool',
  v.object({ PoolID: text(), ClientID: text() }),
)

export type CognitoUserPool = v.InferOutput<typeof CognitoUserPool>

export const CognitoUserSession = named(
  'CognitoUserSession',
  v.object({
    IdToken: text(),
    AccessToken: text(),
    RefreshToken: text(),
    ExpirationTime: DateTime,
    IssuedTime: DateTime,
  }),
)

export type CognitoUserSession = v.InferOutput<typeof CognitoUserSession>

// The seed's cycle (CognitoUser.Device.User.Device…) needs declared types. Both sides are
// `v.lazy`, so serialisers treat the pair as recursive and show it only as deep as the data
// goes: no empty `Data.Device.*` columns for users without a device.
export interface CognitoDevice {
  DeviceKey?: string | undefined
  DeviceAttributes?: Record<string, string> | undefined
  CreateDate?: string | undefined
  LastModified?: string | undefined
  LastAuthenticated?: string | undefined
  User?: CognitoUser | undefined
  GroupDeviceKey?: string | undefined
  DeviceSecret?: string | undefined
}

export interface CognitoUser {
  SessionTokens?: CognitoUserSession | undefined
  Device?: CognitoDevice | undefined
  UserID?: string | undefined
  Username?: string | undefined
  UserPool?: CognitoUserPool | undefined
  ClientID?: string | undefined
  Status?: string | undefined
  Attributes?: Record<string, string> | undefined
  Settings?: Record<string, string> | undefined
}

/** A remembered device. `DeviceSecret` is write-only: no representation ever shows it. */
export const CognitoDevice: v.GenericSchema<CognitoDevice> = named(
  'CognitoDevice',
  v.object({
    DeviceKey: text(),
    DeviceAttributes: Dictionary,
    CreateDate: DateTime,
    LastModified: DateTime,
    LastAuthenticated: DateTime,
    User: v.optional(v.lazy(() => CognitoUser)),
    GroupDeviceKey: text(),
    DeviceSecret: v.optional(writeOnly(v.string())),
  }),
)

export const CognitoUser: v.GenericSchema<CognitoUser> = named(
  'CognitoUser',
  v.object({
    SessionTokens: v.optional(CognitoUserSession),
    Device: v.optional(v.lazy(() => CognitoDevice)),
    UserID: text(),
    Username: text(),
    UserPool: v.optional(CognitoUserPool),
    ClientID: text(),
    Status: text(),
    Attributes: Dictionary,
    Settings: Dictionary,
  }),
)

/**
 * ServiceStack's `BaseResponse` members. They come first in every representation, so a CSV
 * row or an XML document starts with the outcome (`OpCode`, `ErrorText`).
 */
export const BaseResponse = v.object({
  Total: Int,
  OpCode: Int,
  ErrorText: text(),
  RequestTime: DateTime,
  ResponseTime: DateTime,
  /** .NET TimeSpan text, `hh:mm:ss.fffffff` (see `timeSpan`). */
  TotalExecutionTime: text(),
  CachedResponse: v.optional(v.boolean()),
})

export type BaseResponse = v.InferOutput<typeof BaseResponse>

/** The one user pool the gateway plays; every user belongs to it. */
export const USER_POOL = { PoolID: 'us-east-1_ConnegGw1', ClientID: 'conneggatewayservicestack1' }

/** The operation's response DTO: the outcome, the user (`Data`) and the user before (`Data2`). */
export const CognitoSendConfirmCodeResponse = named(
  'CognitoSendConfirmCodeResponse',
  v.pipe(
    v.object({
      ...BaseResponse.entries,
      Data: v.optional(CognitoUser),
      Data2: v.optional(CognitoUser),
    }),
    // What the first step answers, member for member (a sample of the schema alone would show
    // members no answer has together: a session with `Data2`, an `ErrorText` with OpCode 0).
    v.examples([
      {
        Total: 1,
        OpCode: 0,
        RequestTime: '2026-01-02T03:04:05.000Z',
        ResponseTime: '2026-01-02T03:04:05.012Z',
        TotalExecutionTime: '00:00:00.0123456',
        CachedResponse: false,
        Data: {
          UserID: '000000000000000000000001',
          Username: 'user@example.com',
          UserPool: USER_POOL,
          ClientID: USER_POOL.ClientID,
          Status: 'UNCONFIRMED',
          Attributes: { email: 'user@example.com', email_verified: 'false' },
          Settings: {},
        },
      },
    ]),
  ),
)

export type CognitoSendConfirmCodeResponse = v.InferOutput<typeof CognitoSendConfirmCodeResponse>
