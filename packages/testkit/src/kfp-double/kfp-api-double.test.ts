import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CreateRunRequest, type DeepPartial, type Run, RunServiceClient, RuntimeState } from '@swf/kfp-api';
import { MemoryRunCluster } from '../../test/memory-run-cluster.js';
import { KfpApiDouble, type KfpApiDoubleOptions, KfpDoubleConfigError } from './kfp-api-double.js';
import { externalMessageOf } from './kfp-status.js';
import { recurringRunRunId } from './run-ids.js';
import type { ScheduledWorkflowObject } from './run-workflow.js';
import { StaticAccessReviewer } from './static-access-reviewer.js';

const SA_USER = 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow';
const NOW_MS = 1_700_000_000_123;
const NO_IDENTITY = 'Request header error: there is no user identity header.';
const ACCESS_CONTEXT =
  'Failed to create a new run: Failed to create a run due to authorization error. Check if you have write ' +
  'permissions to namespace team-a: Failed to access run . Check if you have access to namespace team-a';

type Entries = ReadonlyArray<readonly [string, string]>;

const ALICE: Entries = [['kubeflow-userid', 'accounts.google.com:alice@example.com']];

const RUN = {
  experimentId: 'exp-a',
  displayName: 'nightly-1-1700000000',
  recurringRunId: 'swf-uid',
  pipelineVersionReference: { pipelineId: 'pipe-1' },
  runtimeConfig: { parameters: { lr: 0.1, name: 'x' }, pipelineRoot: '' },
};

/** The ScheduledWorkflow KFP made for {@link RUN}'s recurring run. */
const NIGHTLY: ScheduledWorkflowObject = {
  metadata: { name: 'nightly', namespace: 'team-a', uid: 'swf-uid' },
  status: { trigger: { lastWorkflowIndex: 4 } },
};

describe('KfpApiDouble over gRPC', () => {
  let reviewer: StaticAccessReviewer;
  let double: KfpApiDouble;
  let client: RunServiceClient;

  async function startDouble(options: Partial<KfpApiDoubleOptions> = {}): Promise<void> {
    double = await KfpApiDouble.start({
      reviewer,
      userIdPrefix: 'accounts.google.com:',
      experiments: { 'exp-a': 'team-a' },
      pipelines: { 'pipe-1': 'hello-world' },
      now: () => NOW_MS,
      ...options,
    });
    double.addRecurringRun(NIGHTLY);
    client = new RunServiceClient(double.address, credentials.createInsecure());
  }

  function createRun(entries: Entries, run: DeepPartial<Run> = RUN): Promise<Run> {
    const metadata = new Metadata();
    for (const [key, value] of entries) metadata.add(key, value);
    return new Promise((resolve, reject) =>
      client.createRun(CreateRunRequest.fromPartial({ run }), metadata, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
  }

  async function failureOf(promise: Promise<unknown>): Promise<ServiceError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof Error) || !('code' in error))
      throw new Error(`expected a ServiceError, got ${String(error)}`);
    return error as ServiceError;
  }

  beforeEach(async () => {
    reviewer = new StaticAccessReviewer({
      tokens: { 'sa-token': SA_USER },
      grants: [
        { user: 'alice@example.com', namespace: 'team-a' },
        { user: SA_USER, namespace: 'team-a' },
      ],
    });
    await startDouble();
  });

  afterEach(async () => {
    client.close();
    await double.close();
  });

  it('creates a run for an identity with the prefix and records the stripped identity', async () => {
    const run = await createRun([['kubeflow-userid', 'accounts.google.com:alice@example.com']]);

    expect(run).toMatchObject({
      runId: recurringRunRunId('swf-uid', 'nightly-1-1700000000'),
      experimentId: 'exp-a',
      displayName: 'nightly-1-1700000000',
      recurringRunId: 'swf-uid',
      serviceAccount: 'pipeline-runner',
      state: RuntimeState.PENDING,
      createdAt: { seconds: 1_700_000_000, nanos: 0 },
      pipelineVersionReference: { pipelineId: 'pipe-1', pipelineVersionId: '' },
      runtimeConfig: { parameters: { lr: 0.1, name: 'x' } },
    });
    expect(double.runs()).toEqual([run]);
    expect(double.calls).toEqual([
      {
        method: 'CreateRun',
        request: CreateRunRequest.fromPartial({ run: RUN }),
        identity: 'alice@example.com',
        metadataKeys: expect.arrayContaining(['kubeflow-userid']),
        outcome: 'created',
        workflow: null,
        receivedAt: NOW_MS,
        steps: { authorizedAt: NOW_MS, ownerFoundAt: null, workflowCreatedAt: null },
        at: NOW_MS,
      },
    ]);
    expect(reviewer.reviews).toEqual([
      {
        kind: 'SubjectAccessReview',
        request: expect.objectContaining({ user: 'alice@example.com', namespace: 'team-a', verb: 'create' }),
      },
    ]);
  });

  it('rejects a call without identity with UNAUTHENTICATED and KFP text', async () => {
    const error = await failureOf(createRun([]));

    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toBe(
      `${ACCESS_CONTEXT}: Unauthenticated: Failed to check authorization. User identity is empty in the request ` +
        `header: Unauthenticated: ${NO_IDENTITY}: ${NO_IDENTITY}`,
    );
    expect(externalMessageOf(error)).toBe(
      'Failed to check authorization. User identity is empty in the request header',
    );
    expect(double.calls[0]).toMatchObject({ identity: null, outcome: { code: status.UNAUTHENTICATED } });
    expect(double.runs()).toEqual([]);
  });

  it.each<[string, Entries, string]>([
    [
      'an identity without the prefix',
      [['kubeflow-userid', 'alice@example.com']],
      "Header 'kubeflow-userid' is incorrectly formatted. Expected prefix 'accounts.google.com:'",
    ],
    [
      'the identity key sent twice',
      [
        ['kubeflow-userid', 'accounts.google.com:alice@example.com'],
        ['kubeflow-userid', 'accounts.google.com:alice@example.com'],
      ],
      "Request header error: unexpected number of 'kubeflow-userid' headers. Expect 1 got 2",
    ],
    ['an unknown bearer token', [['authorization', 'Bearer forged']], 'Review.Status.Authenticated is false'],
  ])('rejects %s with UNAUTHENTICATED', async (_name, entries, cause) => {
    const error = await failureOf(createRun(entries));

    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toContain(cause);
    expect(double.runs()).toEqual([]);
  });

  it('authenticates a bearer token by TokenReview and authorizes its user', async () => {
    await createRun([['authorization', 'Bearer sa-token']]);

    expect(double.calls[0]).toMatchObject({ identity: SA_USER, outcome: 'created' });
    expect(reviewer.reviews).toEqual([
      { kind: 'TokenReview', token: 'sa-token', audiences: ['pipelines.kubeflow.org'] },
      {
        kind: 'SubjectAccessReview',
        request: expect.objectContaining({ user: SA_USER, namespace: 'team-a' }),
      },
    ]);
  });

  it('answers PERMISSION_DENIED when the SubjectAccessReview denies, recording who asked', async () => {
    const error = await failureOf(createRun([['kubeflow-userid', 'accounts.google.com:bob@example.com']]));

    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toMatch(
      new RegExp(
        `^${ACCESS_CONTEXT}: PermissionDenied: User 'bob@example.com' is not authorized with reason: .*: Unauthorized access$`,
      ),
    );
    expect(double.calls[0]).toMatchObject({
      identity: 'bob@example.com',
      outcome: { code: status.PERMISSION_DENIED },
    });
    expect(double.runs()).toEqual([]);
  });

  it('returns the first run again for a repeat with the same recurring run and name', async () => {
    const identity: Entries = [['kubeflow-userid', 'accounts.google.com:alice@example.com']];
    const first = await createRun(identity);
    const repeat = await createRun(identity);
    const next = await createRun(identity, { ...RUN, displayName: 'nightly-2-1700000060' });

    expect(repeat).toEqual(first);
    expect(next.runId).not.toBe(first.runId);
    expect(double.runs().map((run) => run.displayName)).toEqual([
      'nightly-1-1700000000',
      'nightly-2-1700000060',
    ]);
    expect(double.calls.map((call) => call.outcome)).toEqual(['created', 'deduplicated', 'created']);
  });

  it('holds each answer for the answer delay, which can change between calls', async () => {
    const timed = async () => {
      const started = performance.now();
      await createRun(ALICE);
      return performance.now() - started;
    };
    double.setAnswerDelay(400);
    const slow = await timed();
    double.setAnswerDelay(0);
    const fast = await timed();

    expect(slow).toBeGreaterThanOrEqual(390);
    expect(fast).toBeLessThan(300);
  });

  it('lets identical calls in flight at once all pass the look-up, and stores one run', async () => {
    double.setAnswerDelay(200);
    const runs = await Promise.all(Array.from({ length: 5 }, () => createRun(ALICE)));

    expect(new Set(runs.map((run) => run.runId))).toEqual(new Set([runs[0]?.runId]));
    expect(double.runs()).toHaveLength(1);
    expect(double.calls.map((call) => call.outcome).sort()).toEqual([
      'created',
      'deduplicated',
      'deduplicated',
      'deduplicated',
      'deduplicated',
    ]);
  });

  describe('with a Kubernetes side', () => {
    let cluster: MemoryRunCluster;

    beforeEach(async () => {
      await double.close();
      cluster = new MemoryRunCluster();
      cluster.scheduledWorkflows.set('team-a/nightly', NIGHTLY);
      await startDouble({ cluster });
    });

    it('creates one Workflow per call that passes the look-up, even when the run was stored meanwhile', async () => {
      double.setAnswerDelay(200);
      await Promise.all(Array.from({ length: 3 }, () => createRun(ALICE)));
      double.setAnswerDelay(0);
      await createRun(ALICE);

      expect(cluster.workflows).toHaveLength(3);
      expect(cluster.workflows[0]?.metadata).toMatchObject({
        generateName: 'hello-world-',
        labels: { 'scheduledworkflows.kubeflow.org/workflowIndex': '5' },
      });
      expect(double.calls.map((call) => call.workflow)).toEqual([
        expect.stringMatching(/^hello-world-\d$/),
        expect.stringMatching(/^hello-world-\d$/),
        expect.stringMatching(/^hello-world-\d$/),
        null,
      ]);
      expect(double.runs()).toHaveLength(1);
    });

    it('records when each step of its work ended, in order', async () => {
      await double.close();
      let clock = NOW_MS;
      await startDouble({ cluster, now: () => clock++ });

      await createRun(ALICE);

      const [call] = double.calls;
      const { authorizedAt, ownerFoundAt, workflowCreatedAt } = call?.steps ?? {};
      const marks = [call?.receivedAt, authorizedAt, ownerFoundAt, workflowCreatedAt, call?.at];
      expect(marks.every((mark) => typeof mark === 'number')).toBe(true);
      expect([...(marks as number[])].sort((a, b) => a - b)).toEqual(marks);
      expect(new Set(marks).size).toBe(marks.length);
    });

    it('records no Workflow step for a call whose ScheduledWorkflow is unknown', async () => {
      cluster.scheduledWorkflows.delete('team-a/nightly');

      await createRun(ALICE).catch(() => undefined);

      expect(double.calls[0]?.steps).toEqual({
        authorizedAt: expect.any(Number),
        ownerFoundAt: null,
        workflowCreatedAt: null,
      });
    });

    it("owns the Workflow by the recurring run's ScheduledWorkflow, where its job row says, in the experiment's namespace", async () => {
      const edited = { metadata: { name: 'nightly', namespace: 'team-z', uid: 'swf-uid' } };
      cluster.scheduledWorkflows.set('team-z/nightly', edited);
      double.addRecurringRun(edited);
      await createRun(ALICE);

      expect(cluster.workflows).toHaveLength(1);
      expect(cluster.workflows[0]?.metadata).toMatchObject({
        namespace: 'team-a',
        ownerReferences: [expect.objectContaining({ name: 'nightly', uid: 'swf-uid' })],
      });
    });

    const INVALID_RECURRING_RUN =
      'Failed to create a new run: InternalServerError: Failed to create a run due to invalid recurring run id: ' +
      "Invalid input error: RecurringRunId doesn't exist: swf-uid";
    const NO_SCHEDULED_WORKFLOW =
      'Failed to create a new run: InternalServerError: Failed to create a run due to invalid name: ' +
      "Invalid input error: ScheduledWorkflow doesn't exist: nightly";
    it.each<[string, (cluster: MemoryRunCluster) => void, DeepPartial<Run>, string]>([
      [
        'a ScheduledWorkflow in the cluster that KFP did not make (no job row)',
        (c) => c.scheduledWorkflows.set('team-a/direct', { metadata: { name: 'direct', uid: 'direct-uid' } }),
        { ...RUN, displayName: 'direct-1-1700000000', recurringRunId: 'direct-uid' },
        INVALID_RECURRING_RUN.replace('swf-uid', 'direct-uid'),
      ],
      [
        'a recurring run whose ScheduledWorkflow is gone',
        (c) => c.scheduledWorkflows.delete('team-a/nightly'),
        RUN,
        NO_SCHEDULED_WORKFLOW,
      ],
      [
        'a ScheduledWorkflow that cannot be read',
        (c) => {
          c.failGet = new Error('scheduledworkflows.kubeflow.org "nightly" is forbidden');
        },
        RUN,
        NO_SCHEDULED_WORKFLOW,
      ],
      [
        'a run with neither a pipeline nor a pipeline spec',
        () => {},
        { ...RUN, pipelineVersionReference: undefined },
        'Failed to create a new run: InternalServerError: Failed to create a run due to error fetching manifest: ' +
          'Invalid input error: Failed to fetch a template with an empty pipeline spec manifest',
      ],
      [
        'a Workflow the kube-apiserver refuses',
        (c) => {
          c.failCreate = new Error('workflows.argoproj.io is forbidden');
        },
        RUN,
        'Failed to create a new run: InternalServerError: Failed to create a workflow for (): ' +
          'workflows.argoproj.io is forbidden',
      ],
    ])('answers INTERNAL with KFP text, storing no run, for %s', async (_name, arrange, run, details) => {
      arrange(cluster);
      const error = await failureOf(createRun(ALICE, run));

      expect({ code: error.code, details: error.details }).toEqual({ code: status.INTERNAL, details });
      expect(externalMessageOf(error)).toBe('Internal Server Error');
      expect(double.runs()).toEqual([]);
    });
  });

  it('refuses a run of a recurring run KFP never made, storing none', async () => {
    const error = await failureOf(createRun(ALICE, { ...RUN, recurringRunId: 'made-by-hand' }));

    expect({ code: error.code, details: error.details }).toEqual({
      code: status.INTERNAL,
      details:
        'Failed to create a new run: InternalServerError: Failed to create a run due to invalid recurring run id: ' +
        "Invalid input error: RecurringRunId doesn't exist: made-by-hand",
    });
    expect(double.runs()).toEqual([]);
  });

  it('refuses a run of a pipeline that does not exist, as KFP refuses a deleted one', async () => {
    const error = await failureOf(
      createRun(ALICE, { ...RUN, pipelineVersionReference: { pipelineId: 'deleted' } }),
    );

    expect({ code: error.code, details: error.details }).toEqual({
      code: status.INTERNAL,
      details:
        'Failed to create a new run: InternalServerError: Failed to create a run due to error fetching manifest: ' +
        'Failed to fetch a template due to error retrieving pipeline version: Failed to fetch a pipeline version ' +
        'and its manifest from pipeline deleted: Failed to get the latest pipeline version as pipeline was not ' +
        'found: ResourceNotFoundError: Pipeline deleted not found',
    });
    expect(double.runs()).toEqual([]);
  });

  it('does not de-duplicate runs that belong to no recurring run', async () => {
    const identity: Entries = [['kubeflow-userid', 'accounts.google.com:alice@example.com']];
    const adHoc = { ...RUN, recurringRunId: '' };
    const [one, two] = [await createRun(identity, adHoc), await createRun(identity, adHoc)];

    expect(one.runId).not.toBe(two.runId);
    expect(double.runs()).toHaveLength(2);
  });

  it('answers UNAVAILABLE while set unavailable, then serves again', async () => {
    const identity: Entries = [['kubeflow-userid', 'accounts.google.com:alice@example.com']];
    double.setUnavailable(true);
    const error = await failureOf(createRun(identity));
    double.setUnavailable(false);
    await createRun(identity);

    expect(error.code).toBe(status.UNAVAILABLE);
    expect(double.calls.map((call) => call.outcome)).toEqual([
      { code: status.UNAVAILABLE, message: 'Service unavailable' },
      'created',
    ]);
  });

  it('fails exactly the next n calls with the given status', async () => {
    const identity: Entries = [['kubeflow-userid', 'accounts.google.com:alice@example.com']];
    double.failNext(1);
    double.failNext(1, { code: status.INTERNAL, message: 'database is locked' });
    const codes = [];
    for (let i = 0; i < 3; i += 1) {
      codes.push(
        await createRun(identity).then(
          () => status.OK,
          (e: ServiceError) => e.code,
        ),
      );
    }

    expect(codes).toEqual([status.UNAVAILABLE, status.INTERNAL, status.OK]);
    expect(double.runs()).toHaveLength(1);
  });

  it.each<[string, DeepPartial<Run>, status, string]>([
    [
      'an unknown experiment, before authentication',
      { ...RUN, experimentId: 'exp-x' },
      status.NOT_FOUND,
      'Failed to create a new run: Failed to create a run due to invalid experimentId and namespace combination: ' +
        'Failed to fetch namespace for experiment exp-x: Failed to fetch namespace from experiment exp-x: ' +
        'ResourceNotFoundError: Experiment exp-x not found',
    ],
    [
      'a run without an experiment',
      { ...RUN, experimentId: '' },
      status.INVALID_ARGUMENT,
      'Failed to create a new run: Failed to create a run due to invalid experimentId and namespace combination: ' +
        'Invalid input error: Experiment id can not be empty in multi-user mode',
    ],
    [
      'a run without a display name',
      { ...RUN, displayName: '' },
      status.INTERNAL,
      'CreateJob(job.ToV2())Failed to create a run due to conversion error: ' +
        'InternalServerError: Failed to convert a API run detail to its internal representation: ' +
        'Invalid input error: Run name cannot be empty',
    ],
  ])('rejects %s as KFP does', async (_name, run, code, details) => {
    const error = await failureOf(createRun([], run));

    expect({ code: error.code, details: error.details }).toEqual({ code, details });
    expect(reviewer.reviews).toEqual([]);
  });

  it('records when a call arrived apart from when it was answered', async () => {
    await double.close();
    let clock = NOW_MS;
    await startDouble({ now: () => clock++ });

    await createRun([['kubeflow-userid', 'accounts.google.com:alice@example.com']]);

    const [call] = double.calls;
    expect(call?.receivedAt).toBeGreaterThanOrEqual(NOW_MS);
    expect(call?.at).toBeGreaterThan(call?.receivedAt ?? Number.POSITIVE_INFINITY);
  });

  it('creates runs without any identity in single-user mode', async () => {
    await double.close();
    await startDouble({ multiUser: false, reviewer: undefined });

    await createRun([]);

    expect(double.calls[0]).toMatchObject({ identity: null, outcome: 'created' });
  });

  it('answers UNIMPLEMENTED for RunService methods other than CreateRun', async () => {
    const code = await new Promise((resolve) =>
      client.getRun({ experimentId: '', runId: 'r' }, (e) => resolve(e?.code)),
    );

    expect(code).toBe(status.UNIMPLEMENTED);
  });

  it('lets a test wait for calls, and times out when they do not come', async () => {
    const waiting = double.waitForCalls(1, 5_000);
    void createRun([]).catch(() => undefined);

    await expect(waiting).resolves.toHaveLength(1);
    await expect(double.waitForCalls(2, 50)).rejects.toThrow('1 of 2 calls after 50 ms');
  });
});

describe('KfpApiDouble options', () => {
  it.each<[string, KfpApiDoubleOptions, string]>([
    ['multi-user mode without a reviewer', {}, 'reviewer'],
    ['an empty identity key', { multiUser: false, userIdHeader: '' }, 'userIdHeader'],
    [
      'an experiment without a namespace',
      { reviewer: new StaticAccessReviewer(), experiments: { e: '' } },
      'experiments.e',
    ],
    ['a negative answer delay', { multiUser: false, answerDelayMs: -1 }, 'answerDelayMs'],
    [
      'an answer delay that is not a number',
      { multiUser: false, answerDelayMs: Number.NaN },
      'answerDelayMs',
    ],
  ])('refuses %s, naming the option', async (_name, options, setting) => {
    await expect(KfpApiDouble.start(options)).rejects.toMatchObject({
      name: 'KfpDoubleConfigError',
      setting,
    });
  });

  it.each<[string, (double: KfpApiDouble) => void, string]>([
    ['a fractional failNext count', (double) => double.failNext(1.5), 'failNext(count)'],
    ['a negative answer delay', (double) => double.setAnswerDelay(-5), 'setAnswerDelay(ms)'],
    [
      'a recurring run without its uid (an object not yet created)',
      (double) => double.addRecurringRun({ metadata: { name: 'nightly', namespace: 'team-a' } }),
      'addRecurringRun(swf).metadata.uid',
    ],
    [
      'a recurring run without its namespace',
      (double) => double.addRecurringRun({ metadata: { name: 'nightly', uid: 'u' } }),
      'addRecurringRun(swf).metadata.namespace',
    ],
    [
      'a recurring run without its name',
      (double) => double.addRecurringRun({ metadata: { namespace: 'team-a', uid: 'u' } }),
      'addRecurringRun(swf).metadata.name',
    ],
  ])('refuses %s, naming the argument', async (_name, misuse, setting) => {
    const double = await KfpApiDouble.start({ multiUser: false });
    try {
      const thrown = (() => {
        try {
          misuse(double);
        } catch (error) {
          return error;
        }
        return null;
      })();
      expect(thrown).toBeInstanceOf(KfpDoubleConfigError);
      expect(thrown).toMatchObject({ setting });
    } finally {
      await double.close();
    }
  });
});
