import { Validator } from '@seriousme/openapi-schema-validator'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { parseCsvStrict, parseXmlStrict } from '../../test/support/parsers.ts'
import { endpoints } from '../app/create-app.ts'
import { bodyParsers } from '../formats/body-parsers.ts'
import { parseCsv } from '../formats/csv-parse.ts'
import { parseXml } from '../formats/xml-parse.ts'
import { schemaSet } from './json-schemas.ts'
import { openApiDocument } from './openapi.ts'
import { sampleOf } from './samples.ts'

const requestTypes = Object.keys(bodyParsers)
const aliasesOf = (path: string) => (path.startsWith('/v2.0/') ? [path, `/new${path}`] : [path])
const doc = openApiDocument(endpoints, { requestTypes, aliasesOf }) as any
const operations = () =>
  Object.values(doc.paths).flatMap((item: any) =>
    ['get', 'post', 'delete'].filter((m) => item[m]).map((m) => item[m]),
  )

describe('openApiDocument', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc))
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('resolves every $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []
    for (const ref of new Set(refs)) {
      const path = ref.slice(8, -1).replace(/^#\//, '').split('/').map(decodeURIComponent)
      const target = path.reduce((node: any, key) => node?.[key.replaceAll('~1', '/')], doc)
      expect(target, ref).toBeDefined()
    }
  })

  it('marks write-only members and never shows them in an example', () => {
    const user = doc.components.schemas.AmazonUser
    expect(user.properties.accessToken.writeOnly).toBe(true)
    const created = doc.paths['/v2.0/external/alexa/users'].post.responses['201'].content
    expect(JSON.stringify(created)).not.toMatch(/"accessToken"|<accessToken>|accessToken,/)
    expect(doc.components.schemas.CreateAmazonUser.properties.refreshToken.writeOnly).toBe(true)
  })

  it('describes recursive types by reference, not by unrolling them', () => {
    const device = doc.components.schemas.CognitoDevice
    expect(device.properties.User).toEqual({ $ref: '#/components/schemas/CognitoUser' })
    expect(doc.components.schemas.CognitoUser.properties.Device).toEqual({
      $ref: '#/components/schemas/CognitoDevice',
    })
  })

  it('keeps every regex of a pipe: the first as its pattern, each other one in allOf', () => {
    const set = schemaSet([])
    const schema = v.pipe(v.string(), v.regex(/^a/), v.regex(/b$/), v.regex(/^[ab]+$/))
    expect(set.of(schema)).toEqual({
      type: 'string',
      pattern: '^a',
      allOf: [{ pattern: 'b$' }, { pattern: '^[ab]+$' }],
    })
  })

  it('gives examples every independent parser reads', () => {
    for (const op of operations()) {
      for (const [status, response] of Object.entries<any>(op.responses)) {
        for (const [type, media] of Object.entries<any>(response.content ?? {})) {
          const where = `${op.operationId} ${status} ${type}`
          if (media.example === undefined) continue
          if (type.includes('xml')) expect(() => parseXmlStrict(media.example), where).not.toThrow()
          if (type === 'text/csv') expect(parseCsvStrict(media.example).length, where).toBe(1)
        }
      }
    }
  })

  it('has request samples the endpoint accepts, in every body type', () => {
    for (const e of endpoints.filter((e) => e.request)) {
      const set = schemaSet([e.request!])
      expect(v.safeParse(e.request!, sampleOf(set.of(e.request!), set.components)).issues).toBe(
        undefined,
      )
      if (e.method !== 'POST') continue
      const content = doc.paths[e.path.replace(/:(\w+)/g, '{$1}')].post.requestBody.content
      for (const [type, parse] of [
        ['application/xml', parseXml],
        ['text/csv', parseCsv],
      ] as const) {
        const raw = parse(content[type].example, e.request!, { maxDepth: 32 })
        expect(v.safeParse(e.request!, raw).success, `${e.name} ${type}`).toBe(true)
      }
    }
  })

  it('has JSON response samples the response schema accepts', () => {
    for (const e of endpoints.filter((e) => e.response)) {
      const template = e.path.replace(/:(\w+)/g, '{$1}')
      const op = doc.paths[template][e.method.toLowerCase()]
      const example = op.responses[String(e.status ?? 200)].content['application/json'].example
      expect(v.safeParse(e.response!, example).issues, e.name).toBe(undefined)
    }
  })
})
