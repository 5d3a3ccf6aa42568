import {
  BENCH_PIPELINE,
  benchScheduledWorkflow,
  EMBEDDED_WORKFLOW_SPEC,
  IDLE_KINDS,
  idleKindOf,
  idleSchedule,
  planPopulation,
  steadySchedule,
  WAITING_SECONDS,
} from './population.js';

const START = Date.UTC(2025, 0, 1, 9, 36, 20) / 1000;
const placement = { namespace: 'team-0', experimentId: 'exp-team-0' };

describe('benchScheduledWorkflow', () => {
  const schedule = steadySchedule(3, 10, START);

  it('names a pipeline and no spec on the latest path, so each fire is a CreateRun', () => {
    const swf = benchScheduledWorkflow(3, placement, 'latest', schedule);
    expect(swf.spec).toMatchObject({ experimentId: 'exp-team-0', pipelineId: BENCH_PIPELINE.id });
    expect(swf.spec.workflow?.spec).toBeUndefined();
  });

  it('embeds an Argo spec and names no pipeline on the embedded path', () => {
    const swf = benchScheduledWorkflow(3, placement, 'embedded', schedule);
    expect(swf.spec.workflow).toEqual({ spec: EMBEDDED_WORKFLOW_SPEC });
    expect(swf.spec.pipelineId).toBeUndefined();
  });

  it('carries the schedule', () => {
    const swf = benchScheduledWorkflow(3, placement, 'latest', schedule);
    expect(swf.metadata).toEqual({ name: 'bench-3', namespace: 'team-0' });
    expect(swf.spec).toMatchObject({
      enabled: true,
      maxConcurrency: 10,
      trigger: { cronSchedule: { cron: '3/10 * * * * *', startTime: '2025-01-01T09:36:20Z' } },
    });
    expect(swf.spec.noCatchup).toBeUndefined();
  });
});

describe('idleSchedule', () => {
  it('takes the kinds in turn', () => {
    expect([0, 1, 2, 3].map(idleKindOf)).toEqual(['disabled', 'blocked', 'waiting', 'disabled']);
  });

  it.each([
    [0, { enabled: false, maxConcurrency: 10, noCatchup: false, startEpoch: START }],
    [1, { enabled: true, maxConcurrency: 1, noCatchup: true, startEpoch: START }],
    [2, { enabled: true, maxConcurrency: 10, noCatchup: false, startEpoch: START + WAITING_SECONDS }],
  ])('keeps resource %i from running', (index, expected) => {
    expect(idleSchedule(index, 60, START)).toEqual({ cron: `${index} * * * * *`, ...expected });
  });
});

describe('planPopulation', () => {
  const settings = { path: 'latest', namespaces: 3, periodSeconds: 10 } as const;

  it('gives every resource of a burst the same first fire: the next whole minute', () => {
    const population = planPopulation({ ...settings, scenario: 'burst', n: 5 }, START);
    const due = Date.UTC(2025, 0, 1, 9, 37, 0) / 1000;
    expect(population.burstEpoch).toBe(due);
    expect(population.cronExample).toBe('0 37 * * * *');
    expect([...population.schedules.values()].map((fires) => fires.due(1))).toEqual([
      due,
      due,
      due,
      due,
      due,
    ]);
    expect(new Set(population.items.map((swf) => swf.metadata.namespace))).toEqual(
      new Set(['team-0', 'team-1', 'team-2']),
    );
  });

  it('spreads steady fires over the period', () => {
    const population = planPopulation({ ...settings, scenario: 'steady', n: 10 }, START);
    const offsets = [...population.schedules.values()].map((fires) => fires.due(1) % 10);
    expect(new Set(offsets).size).toBe(10);
    expect(population.burstEpoch).toBeNull();
    expect(population.idleKinds.size).toBe(0);
  });

  it('records the idle kind of each resource', () => {
    const population = planPopulation({ ...settings, scenario: 'idle', n: 4 }, START);
    expect([...population.idleKinds]).toEqual([
      ['bench-0', 'disabled'],
      ['bench-1', 'blocked'],
      ['bench-2', 'waiting'],
      ['bench-3', 'disabled'],
    ]);
    expect(IDLE_KINDS).toEqual(['disabled', 'blocked', 'waiting']);
  });
});
