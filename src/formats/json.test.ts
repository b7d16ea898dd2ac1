import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { json } from './json.ts'

const context = { mediaType: 'application/json', links: { self: { href: '/x' } }, maxDepth: 8 }

describe('json format', () => {
  it('never emits write-only members', () => {
    const schema = named('Secret', v.object({ id: v.string(), token: writeOnly(v.string()) }))
    const body = json.serialize(schema, { id: 'a', token: 's3cret' }, context)
    expect(JSON.parse(body)).toEqual({ id: 'a' })
  })

  it('stops data nested deeper than the limit', () => {
    type Node = { child?: Node | undefined }
    const NodeSchema: v.GenericSchema<Node> = v.object({
      child: v.optional(v.lazy(() => NodeSchema)),
    })
    let deep: Node = {}
    for (let i = 0; i < 20; i++) deep = { child: deep }
    expect(() => json.serialize(NodeSchema, deep, context)).toThrow(/deeper than 8/)
  })
})
