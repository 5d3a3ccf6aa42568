import { type EnvEntry, mergeEnv, PodEnvError, resolveEnv } from './pod-env.js';

const SOURCES = {
  fields: { 'metadata.namespace': 'kubeflow', 'spec.serviceAccountName': 'runner' },
  configMaps: { install: { HEADER: 'kubeflow-userid' } },
};

describe('mergeEnv', () => {
  it('puts the patch entries first, merged by name, then the base entries it does not name', () => {
    const base: EnvEntry[] = [
      { name: 'A', value: '1' },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ];
    const patch: EnvEntry[] = [
      { name: 'NS', value: '', valueFrom: null },
      { name: 'B', value: '2' },
    ];
    expect(mergeEnv(base, patch)).toEqual([
      { name: 'NS', value: '' },
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
  });
});

describe('resolveEnv', () => {
  it.each<[string, EnvEntry[], Record<string, string>]>([
    ['keeps plain values, empty ones too', [{ name: 'A', value: '' }], { A: '' }],
    [
      'reads fieldRefs',
      [{ name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
      { NS: 'kubeflow' },
    ],
    [
      'expands $(NAME) from entries listed before',
      [
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'ID', value: 'system:serviceaccount:$(NS):$(SA)' },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      ],
      { NS: 'kubeflow', ID: 'system:serviceaccount:kubeflow:$(SA)', SA: 'runner' },
    ],
    ['reads $$ as a literal $', [{ name: 'A', value: 'cost: $$(X)' }], { A: 'cost: $(X)' }],
    [
      'reads ConfigMap keys',
      [{ name: 'H', valueFrom: { configMapKeyRef: { name: 'install', key: 'HEADER' } } }],
      { H: 'kubeflow-userid' },
    ],
    [
      'leaves a variable unset when its optional key is missing',
      [{ name: 'P', valueFrom: { configMapKeyRef: { name: 'install', key: 'PREFIX', optional: true } } }],
      {},
    ],
    [
      'leaves a variable unset when its optional ConfigMap is missing',
      [{ name: 'P', valueFrom: { configMapKeyRef: { name: 'other', key: 'K', optional: true } } }],
      {},
    ],
  ])('%s', (_name, entries, expected) => {
    expect(resolveEnv(entries, SOURCES)).toEqual(expected);
  });

  it.each<[string, EnvEntry, string]>([
    [
      'a required key that is missing',
      { name: 'P', valueFrom: { configMapKeyRef: { name: 'install', key: 'PREFIX' } } },
      'env P: ConfigMap install has no key PREFIX',
    ],
    [
      'an unknown field path',
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      'env IP: unknown fieldRef status.podIP',
    ],
    [
      'a source it cannot read',
      { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      'env S: unsupported valueFrom (secretKeyRef)',
    ],
  ])('refuses %s', (_name, entry, message) => {
    const run = () => resolveEnv([entry], SOURCES);
    expect(run).toThrow(PodEnvError);
    expect(run).toThrow(message);
  });
});
