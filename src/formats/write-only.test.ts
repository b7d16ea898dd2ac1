import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { named, writeOnly } from '../model/meta.ts'
import { formats } from './registry.ts'
import type { SerializeContext } from './types.ts'

const User = named('User', v.object({ _id: v.string(), token: writeOnly(v.string()) }))
const Holder = named(
  'Holder',
  v.object({
    user: v.optional(User),
    users: v.optional(v.record(v.string(), User)),
    list: v.optional(v.array(User)),
  }),
)

describe('write-only members', () => {
  it('stay out of every format, also when the data does not have the shape its schema gives', () => {
    // An id no format writes by itself (a root or element name), so finding it means the data
    // went out.
    const leaky = { _id: 'u-7f3a', token: 's3cret' }
    const values = [
      { user: leaky },
      { users: { a: leaky } },
      { list: [leaky] },
      // Stored by hand: arrays where an object or a dictionary belongs, nested ones too.
      { user: [leaky] },
      { users: [leaky] },
      { list: [[leaky]] },
      { users: { a: [leaky] } },
      { user: { ...leaky, extra: [leaky] } },
    ]
    for (const format of formats) {
      const context: SerializeContext = {
        mediaType: format.mediaTypes[0]!,
        links: { self: { href: '/holders/1' } },
        maxDepth: 32,
      }
      for (const value of values) {
        const written = String(format.serialize(Holder, value, context))
        expect(written, `${format.key} ${JSON.stringify(value)}`).not.toContain('s3cret')
        expect(written, `${format.key} ${JSON.stringify(value)}`).toContain('u-7f3a')
      }
    }
  })
})
