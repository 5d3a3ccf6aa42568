import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** Runs the built CLI as an operator would, with only the given env (plus PATH). */
function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('swf-controller print-config', () => {
  it('prints the resolved settings as one JSON line, identity included', () => {
    const { code, stdout } = cli(['print-config', '--namespace', 'kubeflow'], {
      USER_IDENTITY_HEADER: 'Kubeflow-UserID\n',
      USER_IDENTITY_VALUE: 'system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow\n',
      USER_IDENTITY_PREFIX: 'accounts.google.com:',
      CLIENT_QPS: '10',
    });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const config = JSON.parse(stdout);
    expect(config).toMatchObject({
      namespace: 'kubeflow',
      clientQPS: 10,
      userIdentity: {
        key: 'kubeflow-userid',
        value: 'accounts.google.com:system:serviceaccount:kubeflow:ml-pipeline-scheduledworkflow',
      },
      apiServer: { address: 'ml-pipeline:8887' },
    });
  });

  it('prints null identity when the header is unset', () => {
    expect(JSON.parse(cli(['print-config']).stdout).userIdentity).toBeNull();
  });
});

describe('bad settings', () => {
  it.each([
    [
      ['print-config'],
      { USER_IDENTITY_HEADER: 'kubeflow-userid' },
      '--userIdentityValue / USER_IDENTITY_VALUE: is empty',
    ],
    [
      ['run'],
      { USER_IDENTITY_HEADER: 'grpc-user', USER_IDENTITY_VALUE: 'v' },
      '--userIdentityHeader / USER_IDENTITY_HEADER',
    ],
    [['--clientQPS=fast'], {}, '--clientQPS / CLIENT_QPS: must be a positive number'],
    [[], { CRON_SCHEDULE_TIMEZONE: 'Nowhere/City' }, 'CRON_SCHEDULE_TIMEZONE'],
    [['--kubeconfig=/does/not/exist'], {}, '--kubeconfig: cannot load'],
    [['--mlPipelineServiceTLSEnabled', '--caCertPath=/does/not/exist.pem'], {}, '--caCertPath: cannot read'],
    [['launch'], {}, 'launch: unknown command'],
  ])('%j with %j exits 2 with one line naming the setting', (args, env, message) => {
    const { code, stderr, stdout } = cli(args, env as Record<string, string>);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
  });
});

describe('swf-controller --help', () => {
  it('lists every flag and exits 0', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--namespace',
      '--userIdentityHeader',
      '--recurringRunResyncIntervalSeconds',
      'CRON_SCHEDULE_TIMEZONE',
    ]) {
      expect(stdout).toContain(flag);
    }
  });
});

describe('swf-controller next', () => {
  const dir = mkdtempSync(join(tmpdir(), 'next-'));
  const file = (name: string, body: object) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const base = { metadata: { name: 's', creationTimestamp: '2026-01-01T00:00:00Z' } };

  it('prints the next fire time and whether it runs now', () => {
    const path = file('hourly.json', {
      ...base,
      spec: { enabled: true, trigger: { cronSchedule: { cron: '0 0 * * * *' } } },
    });
    const { code, stdout } = cli([
      'next',
      '--file',
      path,
      '--now',
      '2026-01-01T00:30:00Z',
      '--timezone',
      'UTC',
      '--count',
      '3',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      nextScheduledEpoch: Date.parse('2026-01-01T01:00:00Z') / 1000,
      shouldRunNow: false,
      upcoming: [1767229200, 1767232800, 1767236400],
    });
  });

  it('prints the error line and exits 1 for an invalid schedule', () => {
    const path = file('bad.json', {
      ...base,
      spec: { enabled: true, trigger: { cronSchedule: { cron: 'every day' } } },
    });
    const { code, stdout } = cli(['next', '--file', path]);
    expect(code).toBe(1);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ nextScheduledEpoch: null, shouldRunNow: false });
    expect(answer.error).toContain('spec.trigger.cronSchedule.cron');
  });

  it('exits 2 naming --file when it is missing', () => {
    const { code, stderr } = cli(['next']);
    expect(code).toBe(2);
    expect(stderr).toContain('--file');
  });
});
