import { describe, expect, it } from 'vitest'
import { parseCsvStrict, parseXmlStrict } from './support/parsers.ts'
import { parseCsv } from '../src/formats/csv-parse.ts'
import { formats } from '../src/formats/registry.ts'
import { SerializationError } from '../src/formats/types.ts'
import { parseXml } from '../src/formats/xml-parse.ts'
import { xml } from '../src/formats/xml.ts'
import { csv } from '../src/formats/csv.ts'
import {
  type CognitoDevice,
  CognitoSendConfirmCodeResponse,
  type CognitoUser,
} from '../src/model/cognito.ts'

const context = { mediaType: '', links: { self: { href: '/x' } }, maxDepth: 32 }
const serialize = (format: (typeof formats)[number], value: unknown, maxDepth = 32) =>
  format.serialize(CognitoSendConfirmCodeResponse, value, { ...context, maxDepth })

// A user with a device whose user has a device: the seed's cycle, two levels of data.
const device = (key: string, user?: CognitoUser): CognitoDevice => ({
  DeviceKey: key,
  DeviceAttributes: { 'device.name': 'Ada’s phone' },
  CreateDate: '2026-01-02T03:04:05.000Z',
  ...(user ? { User: user } : {}),
  DeviceSecret: `SECRET-${key}`,
})
const user: CognitoUser = {
  Device: device('d1', { UserID: 'u1', Device: device('d2') }),
  UserID: 'u1',
  Username: 'ada@example.com',
  UserPool: { PoolID: 'pool', ClientID: 'client' },
  Status: 'CONFIRMED',
  Attributes: { email: 'ada@example.com', 'custom:tier': '=gold' },
}
const dto = { Total: 1, OpCode: 0, CachedResponse: false, Data: user }

/** The DTO as every representation shows it: without the write-only device secrets. */
const withoutSecrets = JSON.parse(JSON.stringify(dto).replace(/,"DeviceSecret":"[^"]*"/g, ''))

describe('CognitoSendConfirmCodeResponse in every format', () => {
  it.each(formats.map((f) => [f.key, f] as const))('never shows DeviceSecret in %s', (_, f) => {
    const body = serialize(f, dto)
    expect(body).not.toContain('SECRET')
    expect(body).not.toContain('DeviceSecret')
  })

  it('flattens the recursive device only as deep as the data goes in CSV', () => {
    const body = serialize(csv, dto)
    const header = body.split('\r\n')[0]!.split(',')
    expect(header).toEqual(
      expect.arrayContaining([
        'Data.Device.DeviceKey',
        'Data.Device.DeviceAttributes.device.name',
        'Data.Device.User.UserID',
        'Data.Device.User.Device.DeviceKey',
        'Data.Attributes.custom:tier',
      ]),
    )
    expect(header.some((h) => h.startsWith('Data.Device.User.Device.User'))).toBe(false)
    expect(header.some((h) => h.startsWith('Data2.Device'))).toBe(false)
    const [row] = parseCsvStrict(body)
    expect(row!['Data.Attributes.custom:tier']).toBe("'=gold")
    expect(parseCsv(body, CognitoSendConfirmCodeResponse, { maxDepth: 32 })).toEqual(withoutSecrets)
  })

  it('nests the recursive device as elements in XML and reads back the same value', () => {
    const body = serialize(xml, dto)
    const root = parseXmlStrict(body)
    const path = ['Data', 'Device', 'User', 'Device', 'DeviceKey']
    const leaf = path.reduce((el, name) => el.children.find((c) => c.name === name)!, root)
    expect(leaf.text).toBe('d2')
    expect(parseXml(body, CognitoSendConfirmCodeResponse, { maxDepth: 32 })).toEqual(withoutSecrets)
  })

  it('refuses a cyclic object graph instead of recursing forever', () => {
    const loop: CognitoUser = { UserID: 'u1' }
    loop.Device = { DeviceKey: 'd1', User: loop }
    for (const f of formats) {
      expect(() => serialize(f, { Data: loop })).toThrow(SerializationError)
    }
  })
})
