import * as v from 'valibot'

/** A value in words, as a client sent it: `an array`, `a string`, `null`. */
const described = (input: unknown): string => {
  if (input === null) return 'null'
  if (Array.isArray(input)) return 'an array'
  const type = typeof input
  return type === 'object' ? 'an object' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`
}

/**
 * The one message for a value that is not an object where one belongs, whatever it is and
 * wherever it sits: the body itself or a member, in every route.
 *
 * @example
 * notAnObject({ input: [] }) // 'must be an object, not an array'
 */
export const notAnObject = (issue: { input: unknown }): string =>
  `must be an object, not ${described(issue.input)}`

const refuseArray = v.never(notAnObject)

/**
 * Valibot's `object` and `record` accept any object, arrays included: `["a@b.co"]` would pass as
 * an object without members and be reported as missing them. This refuses an array as it
 * refuses any other value that is not an object (`notAnObject`), and is the schema it wraps in
 * every other respect, so serializers, body parsers and OpenAPI see it unchanged.
 */
const refusingArrays = <TSchema extends v.GenericSchema>(schema: TSchema): TSchema => {
  const run = schema['~run'].bind(schema)
  const refuse = refuseArray['~run'].bind(refuseArray) as unknown as typeof run
  return {
    ...schema,
    '~run': (dataset, config) =>
      Array.isArray(dataset.value) ? refuse(dataset, config) : run(dataset, config),
  } satisfies TSchema
}

/**
 * `v.object` that takes only a JSON object: an array, a string, a number, a boolean or null
 * gets the same message (`notAnObject`).
 *
 * @example
 * v.safeParse(plainObject({ a: v.optional(v.string()) }), []).issues?.[0].message
 * // 'must be an object, not an array'
 */
export const plainObject = <TEntries extends v.ObjectEntries>(entries: TEntries) =>
  refusingArrays(v.object(entries, notAnObject))

/**
 * `v.record` that takes only a JSON object, with `plainObject`'s message for anything else:
 * `["a"]` would otherwise pass as `{"0": "a"}`.
 *
 * @example
 * v.safeParse(plainRecord(v.string(), v.string()), ['a']).success // false
 * v.safeParse(plainRecord(v.string(), v.string()), { a: 'b' }).success // true
 */
export const plainRecord = <
  TKey extends v.GenericSchema<string, string>,
  TValue extends v.GenericSchema,
>(
  key: TKey,
  value: TValue,
) => refusingArrays(v.record(key, value, notAnObject))
