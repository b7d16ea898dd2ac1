import { shapeOf } from '../model/shape.ts'
import { project } from './project.ts'
import { isProjection } from './projected.ts'
import { type Format, rootDepth } from './types.ts'

/** `application/json`: the plain model. */
export const json: Format = {
  key: 'json',
  extension: 'json',
  mediaTypes: ['application/json'],
  contentType: () => 'application/json; charset=utf-8',
  problemContentType: 'application/problem+json; charset=utf-8',
  serialize: (schema, value, context) =>
    JSON.stringify(projectOnce(schema, value, context.maxDepth, rootDepth(context))),
}

/**
 * The projection of a value, without the copy when the value already is one (the common case:
 * a model read from the store). Shared by the JSON and HAL writers.
 */
export const projectOnce = (
  schema: Parameters<typeof shapeOf>[0],
  value: unknown,
  maxDepth: number,
  depth = 0,
): unknown => {
  const shape = shapeOf(schema)
  return isProjection(shape, value, maxDepth, depth)
    ? value
    : project(shape, value, maxDepth, depth)
}
