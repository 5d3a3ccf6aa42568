import { readFile } from 'node:fs/promises';
import { layerObjects, synthBase } from '@swf/manifests';
import {
  deployedNodeInvocation,
  deploymentEnv,
  InstallDefaultsError,
  imageNodeInvocation,
  installDefaults,
  installDefaultsOf,
} from './install.js';

const deployment = (env: Record<string, unknown>[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { template: { spec: { containers: [{ name: 'c', env }] } } },
});

describe('deploymentEnv', () => {
  it("reads the container's literal values, a patch's replacing the base's", () => {
    const base = deployment([
      { name: 'CLIENT_QPS', value: '10' },
      { name: 'NAMESPACE', value: 'x' },
      { name: 'TZ', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
    ]);
    const patch = deployment([
      { name: 'CLIENT_QPS', value: '25' },
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(deploymentEnv([base, { apiVersion: 'v1', kind: 'Service', metadata: {} }, patch])).toEqual({
      CLIENT_QPS: '25',
    });
  });
});

describe('installDefaultsOf', () => {
  it('reads the client limits and NODE_OPTIONS', () => {
    expect(installDefaultsOf({ CLIENT_QPS: '10', CLIENT_BURST: '20', NODE_OPTIONS: '--x' })).toEqual({
      clientLimits: { qps: 10, burst: 20 },
      nodeOptions: '--x',
    });
  });

  it.each([
    [{ CLIENT_BURST: '20' }, 'Deployment env CLIENT_QPS', 'is not set'],
    [{ CLIENT_QPS: '10', CLIENT_BURST: 'lots' }, 'Deployment env CLIENT_BURST', 'is not a positive number'],
  ])('names a missing or unreadable limit in %j', (env, setting, rule) => {
    const attempt = () => installDefaultsOf(env);
    expect(attempt).toThrow(InstallDefaultsError);
    expect(attempt).toThrow(expect.objectContaining({ setting, rule: expect.stringContaining(rule) }));
  });
});

describe('installDefaults', () => {
  it("takes the client limits from the generated Deployment's env", () => {
    const env = deploymentEnv(layerObjects(synthBase(), 'Deployment'));
    expect(installDefaults().clientLimits).toEqual({
      qps: Number(env.CLIENT_QPS),
      burst: Number(env.CLIENT_BURST),
    });
  });
});

describe('imageNodeInvocation', () => {
  it.each([
    ['ENTRYPOINT ["/usr/local/bin/node", "/app/c.mjs"]', [], ''],
    [
      'ENTRYPOINT ["node", "--max-old-space-size=128", "--enable-source-maps", "/app/c.mjs", "run"]',
      ['--max-old-space-size=128', '--enable-source-maps'],
      '',
    ],
    [
      'ENV NODE_OPTIONS="--max-old-space-size=96 --trace-gc"\nENTRYPOINT ["node", "c.mjs"]',
      [],
      '--max-old-space-size=96 --trace-gc',
    ],
    [
      'ENV NODE_OPTIONS=--abort-on-uncaught-exception\nENTRYPOINT ["node", "c.mjs"]',
      [],
      '--abort-on-uncaught-exception',
    ],
  ])('reads %j', (containerfile, flags, nodeOptions) => {
    expect(imageNodeInvocation(containerfile)).toEqual({ flags, nodeOptions });
  });

  it.each([
    ['FROM x\n'],
    ['ENTRYPOINT /usr/local/bin/node /app/c.mjs'],
    ['ENTRYPOINT ["/bin/sh", "-c", "node c.mjs"]'],
    ['ENTRYPOINT ["node", "--inspect"]'],
    ['ENTRYPOINT ["node", '],
  ])('rejects a Containerfile that does not run node on a script in exec form: %j', (containerfile) => {
    expect(() => imageNodeInvocation(containerfile)).toThrow(InstallDefaultsError);
  });

  it("reads the image's own Containerfile", async () => {
    const text = await readFile(new URL('../../apps/image/Containerfile', import.meta.url), 'utf8');
    expect(imageNodeInvocation(text).flags).toEqual(expect.any(Array));
  });
});

describe('deployedNodeInvocation', () => {
  const image = { flags: ['--a'], nodeOptions: '--from-image' };
  const install = { clientLimits: { qps: 1, burst: 1 } };

  it("lets the Deployment's NODE_OPTIONS replace the image's", () => {
    expect(deployedNodeInvocation(image, { ...install, nodeOptions: '--from-deployment' })).toEqual({
      flags: ['--a'],
      nodeOptions: '--from-deployment',
    });
    expect(deployedNodeInvocation(image, { ...install, nodeOptions: null })).toEqual(image);
  });
});
