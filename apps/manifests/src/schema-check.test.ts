import type { StructuralSchema } from './crd-schema.js';
import { checkStructural, pruningObjects, structuralProblems } from './schema-check.js';

describe('checkStructural', () => {
  const schema: StructuralSchema = {
    type: 'object',
    properties: {
      metadata: { type: 'object' },
      open: { 'x-kubernetes-preserve-unknown-fields': true },
      keep: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { n: { type: 'number' } },
      },
      when: { type: 'string', format: 'date-time', nullable: true },
    },
  };

  it.each([
    ['any value under a field that preserves unknown fields', { open: ['x', { y: null }] }],
    ['unknown fields next to typed ones where the object preserves them', { keep: { n: 1.5, extra: 'x' } }],
    [
      'anything in root metadata, which the API server checks as ObjectMeta',
      { metadata: { name: 'a', labels: {} } },
    ],
    ['null where nullable', { when: null }],
    ['fractional seconds and offsets in date-times', { when: '2024-01-01T00:00:00.5+02:00' }],
  ])('accepts %s', (_what, value) => {
    expect(checkStructural(schema, value)).toEqual([]);
  });

  it.each([
    [
      'a wrong type under a preserved object',
      { keep: { n: 'one' } },
      [{ path: '.keep.n', rule: 'must be a number' }],
    ],
    [
      'root metadata that is not an object',
      { metadata: 'x' },
      [{ path: '.metadata', rule: 'must be an object' }],
    ],
    [
      'a date without a time',
      { when: '2024-01-01' },
      [{ path: '.when', rule: 'must be an RFC 3339 date-time' }],
    ],
    ['an array where an object belongs', [], [{ path: '', rule: 'must be an object' }]],
  ])('rejects %s', (_what, value, violations) => {
    expect(checkStructural(schema, value)).toEqual(violations);
  });
});

describe('structuralProblems', () => {
  it('finds untyped nodes and arrays without items, wherever they nest', () => {
    const schema = {
      type: 'object',
      properties: {
        list: { type: 'array' },
        map: { type: 'object', additionalProperties: { description: 'untyped' } },
        nested: { type: 'array', items: { type: 'object', properties: { bad: {} } } },
      },
    } as StructuralSchema;
    expect(structuralProblems(schema)).toEqual([
      { path: '.list', rule: 'is an array without items' },
      { path: '.map.*', rule: 'states no type and does not preserve unknown fields' },
      { path: '.nested[*].bad', rule: 'states no type and does not preserve unknown fields' },
    ]);
  });
});

describe('pruningObjects', () => {
  it('finds typed objects that prune unknown fields at any depth, but not maps or root metadata', () => {
    const schema: StructuralSchema = {
      type: 'object',
      properties: {
        metadata: { type: 'object' },
        kept: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { inner: { type: 'object', properties: { n: { type: 'number' } } } },
        },
        list: { type: 'array', items: { type: 'object', properties: {} } },
        map: { type: 'object', additionalProperties: { type: 'object' } },
        open: { 'x-kubernetes-preserve-unknown-fields': true },
      },
    };
    expect(pruningObjects(schema)).toEqual(['', '.kept.inner', '.list[*]', '.map.*']);
  });

  it('finds nothing where every object preserves unknown fields', () => {
    const schema: StructuralSchema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { a: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    };
    expect(pruningObjects(schema)).toEqual([]);
  });
});
