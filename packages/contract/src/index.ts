export { API_TOKEN_AUDIENCE, API_TOKEN_DIR, API_TOKEN_FILE_NAME } from './api-token.js';
export { SWF_API_VERSION, SWF_GROUP, SWF_KIND, SWF_PLURAL, SWF_VERSION } from './scheduled-workflow.js';
export {
  type EnvSettingName,
  envVar,
  FAULT_CRASH_AT_ENV,
  LOG_LEVELS,
  SETTING_ENV_VARS,
  SETTINGS,
  type SettingKind,
  type SettingName,
  type SettingSpec,
  type SettingValues,
  SUBMIT_STEPS,
  type SubmitStep,
  settingLabel,
  settingSpec,
  settingsTable,
  TIMEZONE_ENV,
} from './settings.js';
