import { analyseWindow, countByKind, type ObservedCall, serverStepDurations } from './analysis.js';
import { FireTimes } from './schedules.js';

const START = Date.UTC(2025, 0, 1) / 1000;
// bench-0 fires at START+10, +20, ...; bench-1 at START+5, +15, ...
const schedules = new Map([
  ['bench-0', new FireTimes('0/10 * * * * *', START)],
  ['bench-1', new FireTimes('5/10 * * * * *', START)],
]);
const call = (displayName: string, atEpoch: number, created = true): ObservedCall => ({
  displayName,
  at: atEpoch * 1000,
  created,
});

describe('analyseWindow', () => {
  const window = { fromEpoch: START + 10, toEpoch: START + 30 };

  it('measures each fire due in the window from its scheduled second to its answer', () => {
    const outcome = analyseWindow(
      [
        call('bench-1-1-1', START + 5.1), // due before the window
        call('bench-0-1-1', START + 10.25),
        call('bench-1-2-1', START + 15.5),
        call('bench-0-2-1', START + 21),
        call('bench-1-3-1', START + 25.05),
        call('bench-0-3-1', START + 30.1), // due at the window's end: outside
      ],
      schedules,
      window,
    );
    expect(outcome.expected).toBe(4);
    expect(outcome.received).toBe(4);
    expect(outcome.latenessMs).toEqual([250, 500, 1000, 50]);
    expect(outcome.answeredInWindow).toBe(4);
  });

  it('measures the arrival of each call apart from its answer, when the arrival is known', () => {
    const outcome = analyseWindow(
      [
        { ...call('bench-0-1-1', START + 10.25), receivedAt: (START + 10.01) * 1000 },
        call('bench-1-2-1', START + 15.5),
        { ...call('bench-0-2-1', START + 21), receivedAt: (START + 20.5) * 1000 },
      ],
      schedules,
      window,
    );
    expect(outcome.latenessMs).toEqual([250, 500, 1000]);
    expect(outcome.arrivalLatenessMs.map(Math.round)).toEqual([10, 500]);
  });

  it("splits the double's work of each received fire into its steps", () => {
    const at = (seconds: number) => (START + seconds) * 1000;
    const outcome = analyseWindow(
      [
        {
          ...call('bench-0-1-1', START + 10.1),
          receivedAt: at(10.01),
          steps: { authorizedAt: at(10.03), ownerFoundAt: at(10.04), workflowCreatedAt: at(10.08) },
        },
        call('bench-1-2-1', START + 15.5),
      ],
      schedules,
      window,
    );
    const rounded = Object.fromEntries(
      Object.entries(outcome.serverStepsMs).map(([step, values]) => [step, values.map(Math.round)]),
    );
    expect(rounded).toEqual({ review: [20], ownerGet: [10], workflowCreate: [40], answer: [20] });
  });

  it('leaves out a step whose start or end the call did not reach', () => {
    const failed = {
      ...call('bench-0-1-1', START + 10.1),
      receivedAt: (START + 10) * 1000,
      steps: { authorizedAt: (START + 10.05) * 1000, ownerFoundAt: null, workflowCreatedAt: null },
    };
    expect(Object.keys(serverStepDurations(failed))).toEqual(['review']);
    expect(serverStepDurations(call('bench-0-1-1', START + 10))).toEqual({});
  });

  it('counts a repeated or failed call apart, and a fire never called as missing', () => {
    const outcome = analyseWindow(
      [
        call('bench-0-1-1', START + 10.2),
        call('bench-0-1-1', START + 10.4, false),
        call('bench-1-2-1', START + 16, false),
      ],
      schedules,
      window,
    );
    expect(outcome).toMatchObject({ expected: 4, received: 1, repeatedOrFailed: 2 });
  });

  it('rejects a run of a ScheduledWorkflow it does not know', () => {
    expect(() => analyseWindow([call('other-1-1', START)], schedules, window)).toThrow('other-1-1');
  });
});

describe('countByKind', () => {
  const kinds = new Map([
    ['a', 'blocked'],
    ['b', 'waiting'],
  ] as const);
  const at = (name: string, epoch: number) => ({ name, at: epoch * 1000 });

  it('counts the changes in the window by the kind of object, every kind shown', () => {
    const counts = countByKind(
      [
        at('a', START + 10),
        at('a', START + 29.9),
        at('b', START + 30),
        at('a', START + 9.9),
        at('x', START + 15),
      ],
      kinds,
      ['disabled', 'blocked', 'waiting'],
      { fromEpoch: START + 10, toEpoch: START + 30 },
    );
    expect(counts).toEqual({ disabled: 0, blocked: 2, waiting: 0 });
  });
});
