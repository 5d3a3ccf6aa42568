import { request } from 'node:https';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { applyObjects, type ControlPlane, startControlPlane } from '@swf/testkit';
import { parse } from 'yaml';
import { layerObjects, synthBase } from '../../src/layers.js';
import { CONTROLLER_STATUS } from '../fixtures/api-server-objects.js';
import type { Json } from '../fixtures/json.js';
import { UPSTREAM_SAMPLES } from '../fixtures/upstream-samples.js';

// What `kubectl get scheduledworkflows` prints comes from the API server's Table rendering of the
// CRD's printer columns; kubectl only lays the cells out. So the columns are checked there.

const NAMESPACE = 'team-a';
const SWF = { group: 'kubeflow.org', version: 'v1beta1', plural: 'scheduledworkflows', namespace: NAMESPACE };
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const MINUTE_MS = 60_000;

let plane: ControlPlane;
let table: { kind: string; columnDefinitions: Json[]; rows: Json[] };
let nextRun: string;

/** GETs `path` from the API server as admin, asking for `accept`. */
function get(path: string, accept: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${plane.server}${path}`,
      { ca: plane.caPem, headers: { authorization: `Bearer ${plane.adminToken}`, accept } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(body))
            : reject(new Error(`${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** RFC 3339 to the second, as the controller writes status times. */
const kubeTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

beforeAll(async () => {
  plane = await startControlPlane();
  const admin = plane.adminKubeConfig();
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await applyObjects(admin, layerObjects(synthBase(), 'CustomResourceDefinition'));
  const custom = admin.makeApiClient(CustomObjectsApi);
  for (const yaml of Object.values(UPSTREAM_SAMPLES)) {
    await custom.createNamespacedCustomObject({ ...SWF, body: parse(yaml) });
  }
  // Two of them as the controller leaves them: one waiting for its next run, one whose submits fail.
  nextRun = kubeTime(Date.now() + 50 * MINUTE_MS);
  const statuses: Record<string, Json> = {
    'every-minute-cron': {
      conditions: [
        { type: 'Enabled', status: 'True', reason: 'Enabled', message: 'The schedule is enabled.' },
      ],
      trigger: {
        lastTriggeredTime: kubeTime(Date.now() - 10 * MINUTE_MS),
        nextTriggeredTime: nextRun,
        lastWorkflowIndex: 3,
      },
    },
    'every-minute-periodic': {
      ...CONTROLLER_STATUS,
      conditions: [
        { type: 'Error', status: 'True', reason: 'SubmitFailed', message: 'RunService.CreateRun: 16' },
      ],
    },
  };
  for (const [name, status] of Object.entries(statuses)) {
    const current = await custom.getNamespacedCustomObject({ ...SWF, name });
    await custom.replaceNamespacedCustomObject({ ...SWF, name, body: { ...current, status } });
  }
  table = await get('/apis/kubeflow.org/v1beta1/scheduledworkflows', TABLE);
}, 5 * 60_000);

afterAll(async () => {
  await plane?.stop();
});

/** The row of one resource as a map from column name to cell. */
function row(name: string): Record<string, unknown> {
  const found = table.rows.find((r) => r.cells[0] === name);
  expect(found).toBeDefined();
  const names = table.columnDefinitions.map((c) => c.name as string);
  return Object.fromEntries(names.map((column, i) => [column, found.cells[i]]));
}

describe('kubectl get scheduledworkflows -A, as the real kube-apiserver renders it', () => {
  it('answers with a Table of the name, then the printer columns', () => {
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Enabled', 'boolean'],
      ['Schedule', 'string'],
      ['Every (s)', 'integer'],
      ['Status', 'string'],
      ['Last run', 'date'],
      ['Next run', 'string'],
      ['Age', 'date'],
    ]);
  });

  it('lists every upstream sample across namespaces', () => {
    expect(table.rows.map((r) => r.cells[0]).sort()).toEqual(
      Object.values(UPSTREAM_SAMPLES)
        .map((yaml) => parse(yaml).metadata.name)
        .sort(),
    );
  });

  it('shows a cron schedule, its condition, the last run as an age and the next run as a time', () => {
    expect(row('every-minute-cron')).toEqual({
      Name: 'every-minute-cron',
      Enabled: true,
      Schedule: '1 * * * * *',
      'Every (s)': null,
      Status: 'Enabled',
      'Last run': expect.stringMatching(/^1[01]m$/),
      'Next run': nextRun,
      Age: expect.stringMatching(/^\d+s$/),
    });
  });

  it("shows a periodic schedule's period and an Error condition", () => {
    expect(row('every-minute-periodic')).toMatchObject({
      Enabled: true,
      Schedule: null,
      'Every (s)': 60,
      Status: 'Error',
      'Last run': expect.stringMatching(/^\d+[dy]/),
    });
  });

  it('leaves the status columns empty before the controller has written a status', () => {
    expect(row('concurrency')).toMatchObject({
      Schedule: '1-10 * * * * *',
      'Every (s)': null,
      Status: null,
      'Last run': null,
      'Next run': null,
    });
    expect(row('single-run')).toMatchObject({ Schedule: null, 'Every (s)': null });
  });
});
