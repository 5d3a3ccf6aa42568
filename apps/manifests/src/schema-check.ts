import type { StructuralSchema } from './crd-schema.js';

/** One way a value breaks a structural schema. */
export interface SchemaViolation {
  /** JSON path of the offending value, for example `.spec.maxHistory`. */
  readonly path: string;
  /** The rule broken, in words. */
  readonly rule: string;
}

// The API server validates `metadata` as ObjectMeta on its own; the schema only says it is an object.
const OBJECT_META: StructuralSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

// RFC 3339 as Kubernetes' `date-time` format accepts it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Checks `value` against a CRD's structural schema the way the API server does with strict field
 * validation (kubectl's default): wrong types, missing required fields, bad `int64`/`date-time`
 * values, nulls where `nullable` is not set, and fields the schema neither declares nor preserves
 * (which the API server would prune, and reports as unknown). `metadata` at the root is `ObjectMeta`,
 * which the API server checks itself, so only its type is checked here.
 *
 * Validation only: no defaulting, no `int64` range, no CEL rules (the schema here has none).
 *
 * @returns every violation found; empty when the value is accepted
 */
export function checkStructural(schema: StructuralSchema, value: unknown): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  visit(schema, value, '', violations, true);
  return violations;
}

function visit(
  schema: StructuralSchema,
  value: unknown,
  path: string,
  out: SchemaViolation[],
  isRoot = false,
): void {
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) out.push({ path, rule: 'must not be null' });
    return;
  }
  if (schema.type === undefined) return;
  const typeRule = typeViolation(schema, value);
  if (typeRule) {
    out.push({ path, rule: typeRule });
    return;
  }
  if (Array.isArray(value) && schema.items) {
    for (const [index, item] of value.entries()) visit(schema.items, item, `${path}[${index}]`, out);
  }
  if (schema.type === 'object') visitObject(schema, value as Record<string, unknown>, path, out, isRoot);
}

function visitObject(
  schema: StructuralSchema,
  value: Record<string, unknown>,
  path: string,
  out: SchemaViolation[],
  isRoot: boolean,
): void {
  for (const key of schema.required ?? []) {
    if (!(key in value)) out.push({ path: `${path}.${key}`, rule: 'is required' });
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    const childSchema =
      isRoot && key === 'metadata' ? OBJECT_META : (schema.properties?.[key] ?? schema.additionalProperties);
    if (childSchema) visit(childSchema, child, childPath, out);
    else if (!schema['x-kubernetes-preserve-unknown-fields'])
      out.push({ path: childPath, rule: 'unknown field' });
  }
}

function typeViolation(schema: StructuralSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case 'object':
      return isPlainObject(value) ? undefined : 'must be an object';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be an array';
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      return schema.format === 'date-time' && !DATE_TIME.test(value)
        ? 'must be an RFC 3339 date-time'
        : undefined;
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'number':
      return typeof value === 'number' ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    default:
      return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lists the places where a schema is not structural, as the API server requires of a `v1` CRD:
 * every node states a `type` unless it preserves unknown fields, and every array states its `items`.
 *
 * @returns the JSON paths of the offending schema nodes with the rule broken; empty when structural
 */
export function structuralProblems(schema: StructuralSchema, path = ''): SchemaViolation[] {
  const problems: SchemaViolation[] = [];
  if (schema.type === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    problems.push({ path, rule: 'states no type and does not preserve unknown fields' });
  }
  if (schema.type === 'array' && !schema.items) problems.push({ path, rule: 'is an array without items' });
  for (const [childPath, child] of childNodes(schema, path))
    problems.push(...structuralProblems(child, childPath));
  return problems;
}

/**
 * Lists the objects in a schema whose unknown fields the API server prunes: every `type: object` node
 * that is not a map (`additionalProperties`) and does not preserve unknown fields itself, since the
 * flag on a parent does not reach a child with its own schema. Root `metadata` is `ObjectMeta`, which
 * the API server handles itself.
 *
 * @returns the JSON paths of those nodes, named as {@link structuralProblems} names them; empty when
 * nothing written anywhere is dropped
 */
export function pruningObjects(schema: StructuralSchema, path = ''): string[] {
  const prunes =
    schema.type === 'object' &&
    !schema.additionalProperties &&
    !schema['x-kubernetes-preserve-unknown-fields'];
  return [
    ...(prunes ? [path] : []),
    ...childNodes(schema, path)
      // Only the root's `metadata` has this path.
      .filter(([childPath]) => childPath !== '.metadata')
      .flatMap(([childPath, child]) => pruningObjects(child, childPath)),
  ];
}

/** The schema nodes directly below `schema` (properties, items, map values), each with its JSON path. */
function childNodes(schema: StructuralSchema, path: string): [string, StructuralSchema][] {
  const children: [string, StructuralSchema | undefined][] = [
    ...Object.entries(schema.properties ?? {}).map(([key, child]): [string, StructuralSchema] => [
      `${path}.${key}`,
      child,
    ]),
    [`${path}[*]`, schema.items],
    [`${path}.*`, schema.additionalProperties],
  ];
  return children.filter((entry): entry is [string, StructuralSchema] => entry[1] !== undefined);
}
