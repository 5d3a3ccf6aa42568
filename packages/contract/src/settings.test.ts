import { readFileSync } from 'node:fs';
import { API_TOKEN_DIR, API_TOKEN_FILE_NAME } from './api-token.js';
import {
  envVar,
  SETTING_ENV_VARS,
  SETTINGS,
  type SettingSpec,
  settingLabel,
  settingSpec,
  settingsTable,
} from './settings.js';

describe('the README', () => {
  it('shows the settings table exactly as the code defines the settings', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(settingsTable());
  });
});

describe('SETTINGS', () => {
  it('lists every upstream flag and env var', () => {
    const flags = (SETTINGS as readonly SettingSpec[]).filter((s) => s.flag).map((s) => s.name);
    for (const flag of [
      'namespace',
      'kubeconfig',
      'master',
      'logLevel',
      'clientQPS',
      'clientBurst',
      'metricsPort',
      'mlPipelineAPIServerName',
      'mlPipelineServiceGRPCPort',
      'mlPipelineServiceTLSEnabled',
      'caCertPath',
      'recurringRunResyncIntervalSeconds',
      'userIdentityHeader',
      'userIdentityValue',
    ]) {
      expect(flags).toContain(flag);
    }
    const envs = SETTING_ENV_VARS;
    for (const env of [
      'NAMESPACE',
      'LOG_LEVEL',
      'CLIENT_QPS',
      'CLIENT_BURST',
      'RESYNC_INTERVAL_SECONDS',
      'METRICS_PORT',
      'USER_IDENTITY_HEADER',
      'USER_IDENTITY_VALUE',
      'USER_IDENTITY_PREFIX',
    ]) {
      expect(envs).toContain(env);
    }
  });
});

describe('settingLabel', () => {
  it.each([
    ['clientQPS', '--clientQPS / CLIENT_QPS'],
    ['kubeconfig', '--kubeconfig'],
    ['cronScheduleTimezone', 'CRON_SCHEDULE_TIMEZONE'],
  ] as const)('names %s as %s', (name, label) => {
    expect(settingLabel(settingSpec(name))).toBe(label);
  });
});

describe('envVar', () => {
  it('gives the env var of a setting', () => {
    expect(envVar('userIdentityValue')).toBe('USER_IDENTITY_VALUE');
    expect(envVar('namespaceSelf')).toBe('NAMESPACE_SELF');
  });
});

describe('the apiTokenFile default', () => {
  it('is the token file in the token folder the install mounts', () => {
    expect(settingSpec('apiTokenFile').default).toBe(`${API_TOKEN_DIR}/${API_TOKEN_FILE_NAME}`);
    expect(settingSpec('apiTokenFile').default).toBe(
      '/var/run/secrets/kubeflow/tokens/scheduledworkflow-sa-token',
    );
  });
});
