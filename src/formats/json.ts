import { shapeOf } from '../model/shape.ts'
import { project } from './project.ts'
import type { Format } from './types.ts'

/** `application/json`: the plain model. */
export const json: Format = {
  key: 'json',
  mediaTypes: ['application/json'],
  contentType: () => 'application/json; charset=utf-8',
  problemContentType: 'application/problem+json; charset=utf-8',
  serialize: (schema, value, context) =>
    JSON.stringify(project(shapeOf(schema), value, context.maxDepth)),
}
