import * as v from 'valibot'

const notAnArray = v.never('must be a JSON object, not an array')

/**
 * `v.record` that refuses arrays. Valibot's record accepts any object, so `["a"]` would pass
 * as `{"0": "a"}`; a dictionary member must be a JSON object. It stays a record schema in every
 * other respect, so serializers, body parsers and OpenAPI see a dictionary.
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
) => {
  const schema = v.record(key, value)
  const run = schema['~run'].bind(schema)
  const refuse = notAnArray['~run'].bind(notAnArray) as unknown as typeof run
  return {
    ...schema,
    '~run': (dataset, config) =>
      Array.isArray(dataset.value) ? refuse(dataset, config) : run(dataset, config),
  } satisfies typeof schema
}
