import { ConfigError, describeConfig, loadConfig, machineZoneName, parseFlags } from './config.js';

const NO_ENV = {};

function configError(argv: string[], env: Record<string, string> = {}): ConfigError {
  try {
    loadConfig(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has upstream defaults when nothing is set', () => {
    const config = loadConfig([], NO_ENV);
    expect(config).toEqual({
      namespace: '',
      kubeconfig: '',
      master: '',
      logLevel: 'info',
      clientQPS: 5,
      clientBurst: 10,
      metricsPort: 9090,
      apiServer: { host: 'ml-pipeline', port: 8887, tls: false, caCertPath: '' },
      resyncIntervalSeconds: 30,
      userIdentity: null,
      createRunTimeoutSeconds: 30,
      createRunGraceSeconds: 60,
      kubeRequestTimeoutSeconds: 30,
      apiTokenFile: '/var/run/secrets/kubeflow/tokens/scheduledworkflow-sa-token',
      recordRunEvents: false,
      allowCrossNamespaceExperiments: false,
      leaderElect: false,
      leaseNamespace: 'kubeflow',
      inCluster: false,
      zone: expect.objectContaining({ name: Intl.DateTimeFormat().resolvedOptions().timeZone }),
      v1Block: { blockV1Pipelines: false, v1AllowedNamespaces: '' },
      faultCrashAt: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [['--namespace=kubeflow'], {}, 'namespace', 'kubeflow'],
    [['--namespace', 'kubeflow'], {}, 'namespace', 'kubeflow'],
    [['-namespace=kubeflow'], {}, 'namespace', 'kubeflow'],
    [[], { NAMESPACE: 'team-a' }, 'namespace', 'team-a'],
    [['--namespace=flag'], { NAMESPACE: 'env' }, 'namespace', 'flag'],
    [[], { NAMESPACE: '' }, 'namespace', ''],
    [['--clientQPS=2.5'], {}, 'clientQPS', 2.5],
    [[], { CLIENT_QPS: '20' }, 'clientQPS', 20],
    [[], { CLIENT_BURST: '30' }, 'clientBurst', 30],
    [[], { RESYNC_INTERVAL_SECONDS: '1800' }, 'resyncIntervalSeconds', 1800],
    [
      ['--recurringRunResyncIntervalSeconds', '60'],
      { RESYNC_INTERVAL_SECONDS: '1800' },
      'resyncIntervalSeconds',
      60,
    ],
    [[], { METRICS_PORT: '8080' }, 'metricsPort', 8080],
    [[], { LOG_LEVEL: 'DEBUG' }, 'logLevel', 'debug'],
    [['--logLevel=warning'], {}, 'logLevel', 'warn'],
    [['--leaderElect'], {}, 'leaderElect', true],
    [['--leaderElect=false'], { LEADER_ELECT: 'true' }, 'leaderElect', false],
    [[], { LEADER_ELECT: 'True' }, 'leaderElect', true],
    [['--logtostderr=true'], {}, 'logLevel', 'info'],
    [
      [],
      { CRON_SCHEDULE_TIMEZONE: 'America/New_York' },
      'zone',
      expect.objectContaining({ name: 'America/New_York' }),
    ],
    [[], { CRON_SCHEDULE_TIMEZONE: 'UTC\n' }, 'zone', expect.objectContaining({ name: 'UTC' })],
    [[], { NAMESPACE_SELF: 'kubeflow-system' }, 'leaseNamespace', 'kubeflow-system'],
    [['--namespace=team-a'], {}, 'leaseNamespace', 'team-a'],
    [[], { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, 'inCluster', true],
    [[], { SWF_FAULT_CRASH_AT: 'after-submit' }, 'faultCrashAt', 'after-submit'],
    [[], { SWF_FAULT_CRASH_AT: '' }, 'faultCrashAt', null],
    [[], { RECORD_RUN_EVENTS: 'true' }, 'recordRunEvents', true],
    [['--allowCrossNamespaceExperiments'], {}, 'allowCrossNamespaceExperiments', true],
    [[], { ALLOW_CROSS_NAMESPACE_EXPERIMENTS: 'true' }, 'allowCrossNamespaceExperiments', true],
    [
      ['--allowCrossNamespaceExperiments=false'],
      { ALLOW_CROSS_NAMESPACE_EXPERIMENTS: 'true' },
      'allowCrossNamespaceExperiments',
      false,
    ],
    [['--createRunTimeoutSeconds=5', '--createRunGraceSeconds=5'], {}, 'createRunGraceSeconds', 5],
    [['--kubeRequestTimeoutSeconds=5'], {}, 'kubeRequestTimeoutSeconds', 5],
    [[], { KUBE_REQUEST_TIMEOUT_SECONDS: '12' }, 'kubeRequestTimeoutSeconds', 12],
    [[], { CREATE_RUN_TIMEOUT_SECONDS: '2', CREATE_RUN_GRACE_SECONDS: '4' }, 'createRunTimeoutSeconds', 2],
    [['--apiTokenFile='], {}, 'apiTokenFile', ''],
    [
      [],
      { BLOCK_V1_PIPELINES: 'true', V1_ALLOWED_NAMESPACES: 'legacy, team-b' },
      'v1Block',
      { blockV1Pipelines: true, v1AllowedNamespaces: 'legacy, team-b' },
    ],
  ])('resolves %j with env %j: %s = %j', (argv, env, key, expected) => {
    expect((loadConfig(argv, env) as unknown as Record<string, unknown>)[key]).toEqual(expected);
  });

  it('resolves the API server address and TLS flags', () => {
    const config = loadConfig(
      [
        '--mlPipelineAPIServerName=ml-pipeline.kubeflow',
        '--mlPipelineServiceGRPCPort=443',
        '--mlPipelineServiceTLSEnabled',
        '--caCertPath=/ca.pem',
      ],
      NO_ENV,
    );
    expect(config.apiServer).toEqual({
      host: 'ml-pipeline.kubeflow',
      port: 443,
      tls: true,
      caCertPath: '/ca.pem',
    });
  });

  it.each([
    [
      {
        USER_IDENTITY_HEADER: 'Kubeflow-UserID\n',
        USER_IDENTITY_VALUE: 'system:serviceaccount:kubeflow:sa\n',
      },
      [],
      { key: 'kubeflow-userid', value: 'system:serviceaccount:kubeflow:sa' },
    ],
    [
      {
        USER_IDENTITY_HEADER: 'kubeflow-userid',
        USER_IDENTITY_VALUE: 'sa',
        USER_IDENTITY_PREFIX: 'accounts.google.com:',
      },
      [],
      { key: 'kubeflow-userid', value: 'accounts.google.com:sa' },
    ],
    [
      { USER_IDENTITY_HEADER: 'from-env', USER_IDENTITY_VALUE: 'v' },
      ['--userIdentityHeader=from-flag'],
      { key: 'from-flag', value: 'v' },
    ],
    [{ USER_IDENTITY_VALUE: 'ignored without a header' }, [], null],
  ])('resolves identity from env %j and flags %j', (env, argv, expected) => {
    expect(loadConfig(argv, env).userIdentity).toEqual(expected);
  });

  it.each([
    [['--clientQPS=abc'], {}, '--clientQPS / CLIENT_QPS', 'must be a positive number, got "abc"'],
    [[], { CLIENT_QPS: '0' }, '--clientQPS / CLIENT_QPS', 'must be a positive number'],
    [[], { CLIENT_BURST: '1.5' }, '--clientBurst / CLIENT_BURST', 'must be an integer'],
    [[], { CLIENT_BURST: '0' }, '--clientBurst / CLIENT_BURST', 'must be at least 1, got 0'],
    [[], { METRICS_PORT: '70000' }, '--metricsPort / METRICS_PORT', 'must be between 0 and 65535, got 70000'],
    [['--mlPipelineServiceGRPCPort=0'], {}, '--mlPipelineServiceGRPCPort', 'must be between 1 and 65535'],
    [
      [],
      { RESYNC_INTERVAL_SECONDS: '0' },
      '--recurringRunResyncIntervalSeconds / RESYNC_INTERVAL_SECONDS',
      'must be at least 1',
    ],
    [
      [],
      { RESYNC_INTERVAL_SECONDS: '-30' },
      '--recurringRunResyncIntervalSeconds / RESYNC_INTERVAL_SECONDS',
      'must be at least 1',
    ],
    [[], { LOG_LEVEL: 'verbose' }, '--logLevel / LOG_LEVEL', 'must be one of trace, debug, info'],
    [[], { NAMESPACE: 'Team_A' }, '--namespace / NAMESPACE', 'not a valid namespace name'],
    [
      ['--mlPipelineServiceTLSEnabled=yes'],
      {},
      '--mlPipelineServiceTLSEnabled',
      'must be true or false, got "yes"',
    ],
    [['--mlPipelineAPIServerName='], {}, '--mlPipelineAPIServerName', 'must not be empty'],
    [
      [],
      { USER_IDENTITY_HEADER: 'kubeflow-userid' },
      '--userIdentityValue / USER_IDENTITY_VALUE',
      'is empty, but --userIdentityHeader / USER_IDENTITY_HEADER is set',
    ],
    [
      [],
      { USER_IDENTITY_HEADER: 'grpc-user', USER_IDENTITY_VALUE: 'v' },
      '--userIdentityHeader / USER_IDENTITY_HEADER',
      'reserved by gRPC',
    ],
    [
      [],
      { USER_IDENTITY_HEADER: 'kubeflow userid', USER_IDENTITY_VALUE: 'v' },
      '--userIdentityHeader / USER_IDENTITY_HEADER',
      'may only contain',
    ],
    [
      [],
      { CRON_SCHEDULE_TIMEZONE: 'Mars/Olympus' },
      'CRON_SCHEDULE_TIMEZONE',
      '"Mars/Olympus" is not a known IANA time zone',
    ],
    [['--bogus=1'], {}, '--bogus', 'unknown flag'],
    [[], { BLOCK_V1_PIPELINES: 'maybe' }, 'BLOCK_V1_PIPELINES', 'must be true or false, got "maybe"'],
    [
      [],
      { ALLOW_CROSS_NAMESPACE_EXPERIMENTS: 'yes' },
      '--allowCrossNamespaceExperiments / ALLOW_CROSS_NAMESPACE_EXPERIMENTS',
      'must be true or false, got "yes"',
    ],
    [['--namespace'], {}, '--namespace', 'needs a value'],
    [
      ['--createRunTimeoutSeconds=90'],
      {},
      '--createRunGraceSeconds / CREATE_RUN_GRACE_SECONDS',
      'must be at least --createRunTimeoutSeconds / CREATE_RUN_TIMEOUT_SECONDS (90)',
    ],
    [
      [],
      { CREATE_RUN_TIMEOUT_SECONDS: '0' },
      '--createRunTimeoutSeconds / CREATE_RUN_TIMEOUT_SECONDS',
      'must be at least 1',
    ],
    [
      ['--kubeRequestTimeoutSeconds=0'],
      {},
      '--kubeRequestTimeoutSeconds / KUBE_REQUEST_TIMEOUT_SECONDS',
      'must be at least 1',
    ],
    [
      [],
      { SWF_FAULT_CRASH_AT: 'after-create' },
      'SWF_FAULT_CRASH_AT',
      'must be one of before-submit, after-submit, after-status, got "after-create"',
    ],
  ])('rejects %j with env %j, naming %s', (argv, env, setting, rule) => {
    const error = configError(argv, env);
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(rule);
  });

  it("takes the Lease's namespace from NAMESPACE_SELF, then the pod's, then the watched one", () => {
    expect(loadConfig([], { NAMESPACE_SELF: 'own' }, { podNamespace: 'pod' }).leaseNamespace).toBe('own');
    expect(loadConfig(['--namespace=team-a'], {}, { podNamespace: 'pod' }).leaseNamespace).toBe('pod');
  });

  it('never names the identity value in an error', () => {
    const error = configError([], { USER_IDENTITY_HEADER: 'kubeflow-userid', USER_IDENTITY_VALUE: 'sécret' });
    expect(error.message).not.toContain('cret');
  });
});

describe('machineZoneName', () => {
  it.each([
    ['TZ unset: the runtime zone', undefined, 'Europe/Berlin', 'Europe/Berlin'],
    ['TZ unset and no runtime zone: UTC', undefined, undefined, 'UTC'],
    ['TZ empty: UTC, where the runtime says Etc/Unknown', '', 'Etc/Unknown', 'UTC'],
    ['TZ a zone name', 'America/New_York', 'America/New_York', 'America/New_York'],
    [
      'TZ a zone file path, which the runtime cannot name',
      '/usr/share/zoneinfo/America/New_York',
      undefined,
      'America/New_York',
    ],
    ["TZ a path after Go's colon", ':/usr/share/zoneinfo/Asia/Kolkata', undefined, 'Asia/Kolkata'],
    ["TZ a name after Go's colon", ':Europe/Paris', undefined, 'Europe/Paris'],
    ['TZ a name no zone has: UTC', 'Bogus/Zone', 'Bogus/Zone', 'UTC'],
  ])('%s', (_case, tz, runtime, expected) => {
    expect(machineZoneName(tz, runtime)).toBe(expected);
  });

  it('takes CRON_SCHEDULE_TIMEZONE=Local, as upstream does, for the machine zone', () => {
    expect(loadConfig([], { CRON_SCHEDULE_TIMEZONE: 'Local', TZ: 'Asia/Tokyo' }).zone.name).toBe(
      'Asia/Tokyo',
    );
  });

  it('gives the zone CRON_SCHEDULE_TIMEZONE leaves to the machine, from TZ', () => {
    const config = loadConfig([], { TZ: '/usr/share/zoneinfo/America/New_York' });
    // 09:00 in New York in July is 13:00 UTC (daylight saving time), not 14:00.
    expect(config.zone.name).toBe('America/New_York');
    expect(config.zone.offsetAt(Date.UTC(2024, 6, 1) / 1000)).toBe(-4 * 3600);
  });
});

describe('parseFlags', () => {
  it('separates the command and flags and sees --help', () => {
    expect(parseFlags(['print-config', '--namespace', 'a', '-h'])).toEqual({
      flags: { namespace: 'a' },
      positional: ['print-config'],
      help: true,
    });
  });

  it('treats words after -- as positional', () => {
    expect(parseFlags(['--', '--namespace=a']).positional).toEqual(['--namespace=a']);
  });
});

describe('describeConfig', () => {
  it('shows the identity and the token path, and no token', () => {
    const shown = describeConfig(
      loadConfig(['--userIdentityHeader=kubeflow-userid', '--userIdentityValue=u'], NO_ENV),
    );
    expect(shown.userIdentity).toEqual({ key: 'kubeflow-userid', value: 'u' });
    expect(shown.apiServer).toMatchObject({ address: 'ml-pipeline:8887' });
  });

  it('names the zone instead of showing the zone object', () => {
    const shown = describeConfig(loadConfig([], { CRON_SCHEDULE_TIMEZONE: 'Asia/Kolkata' }));
    expect(shown.timezone).toBe('Asia/Kolkata');
    expect(shown).not.toHaveProperty('zone');
  });
});
