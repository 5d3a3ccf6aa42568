import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextCommand } from './next.js';

const dir = mkdtempSync(join(tmpdir(), 'next-annotations-'));
let files = 0;

/** Writes a ScheduledWorkflow with these annotations and spec; returns its path. */
function resource(annotations: Record<string, string>, spec: object, status?: object): string {
  files += 1;
  const path = join(dir, `swf-${files}.json`);
  const metadata = { name: 's', creationTimestamp: '2026-03-01T00:00:00Z', annotations };
  writeFileSync(path, JSON.stringify({ metadata, spec, ...(status && { status }) }));
  return path;
}

const epoch = (text: string) => Date.parse(text) / 1000;
const DAILY_0930 = { enabled: true, trigger: { cronSchedule: { cron: '0 30 9 * * *' } } };
const HOURLY = { enabled: true, trigger: { cronSchedule: { cron: '0 0 * * * *' } } };
const LAST_10 = { trigger: { lastTriggeredTime: '2026-03-01T10:00:00Z' } };

describe('swf-controller next with per-schedule annotations', () => {
  it.each([
    [
      'the time-zone annotation',
      { 'scheduledworkflows.kubeflow.org/time-zone': 'Asia/Kolkata' },
      [],
      'Asia/Kolkata',
      '2026-03-01T04:00:00Z',
    ],
    [
      'the annotation over --timezone',
      { 'scheduledworkflows.kubeflow.org/time-zone': 'Asia/Kolkata' },
      ['--timezone', 'UTC'],
      'Asia/Kolkata',
      '2026-03-01T04:00:00Z',
    ],
    ['--timezone without the annotation', {}, ['--timezone', 'UTC'], 'UTC', '2026-03-01T09:30:00Z'],
  ])('reads the cron in the zone of %s', async (_case, annotations, flags, zone, next) => {
    const path = resource(annotations, DAILY_0930);
    const { answer, exitCode } = await nextCommand(
      ['--file', path, '--now', '2026-03-01T00:00:00Z', '--count', '2', ...flags],
      { CRON_SCHEDULE_TIMEZONE: 'Europe/Berlin' },
      0,
    );
    expect(exitCode).toBe(0);
    expect(answer).toMatchObject({ timezone: zone, nextScheduledTime: next });
    expect(answer.upcoming).toEqual([epoch(next), epoch(next) + 86_400]);
  });

  it('reports the ticks the controller would skip past the starting deadline', async () => {
    const path = resource(
      { 'scheduledworkflows.kubeflow.org/starting-deadline-seconds': '600' },
      HOURLY,
      LAST_10,
    );
    const { answer } = await nextCommand(
      ['--file', path, '--now', '2026-03-01T13:30:00Z', '--timezone', 'UTC'],
      {},
      0,
    );
    expect(answer).toEqual({
      nextScheduledEpoch: epoch('2026-03-01T14:00:00Z'),
      nextScheduledTime: '2026-03-01T14:00:00Z',
      shouldRunNow: false,
      timezone: 'UTC',
      skippedTicks: { count: 3, first: '2026-03-01T11:00:00Z', last: '2026-03-01T13:00:00Z', more: false },
    });
  });

  it('shows a run-now value not honoured yet, and none once honoured', async () => {
    const pending = resource(
      { 'scheduledworkflows.kubeflow.org/run-now': 'v1' },
      { ...HOURLY, enabled: false },
    );
    const honoured = resource(
      {
        'scheduledworkflows.kubeflow.org/run-now': 'v1',
        'scheduledworkflows.kubeflow.org/run-now-honoured': 'v1',
      },
      HOURLY,
    );
    const args = ['--now', '2026-03-01T13:30:00Z', '--timezone', 'UTC'];
    expect((await nextCommand(['--file', pending, ...args], {}, 0)).answer.runNow).toBe('v1');
    expect((await nextCommand(['--file', honoured, ...args], {}, 0)).answer).not.toHaveProperty('runNow');
  });

  it.each([
    ['scheduledworkflows.kubeflow.org/time-zone', 'Mars/Olympus', 'is not a known IANA time zone'],
    ['scheduledworkflows.kubeflow.org/starting-deadline-seconds', '5m', 'must be a whole number of seconds'],
    ['scheduledworkflows.kubeflow.org/run-now', '', 'must not be empty'],
  ])('prints the error line and exits 1 for %s=%j', async (key, value, rule) => {
    const { answer, exitCode } = await nextCommand(['--file', resource({ [key]: value }, HOURLY)], {}, 0);
    expect(exitCode).toBe(1);
    expect(answer).toMatchObject({ nextScheduledEpoch: null, shouldRunNow: false });
    expect(answer.error).toContain(`metadata.annotations["${key}"]: `);
    expect(answer.error).toContain(rule);
  });
});
