export { MetadataValidationError, TokenSourceError } from './errors.js';
export {
  resolveUserIdentity,
  type UserIdentity,
  type UserIdentitySettingNames,
  type UserIdentitySettings,
} from './identity.js';
export { type AuthInterceptorOptions, createAuthInterceptor } from './interceptor.js';
export {
  AUTHORIZATION_KEY,
  assertPrintableAscii,
  BINARY_KEY_SUFFIX,
  checkMetadataValue,
  LEGAL_KEY_REGEX,
  LEGAL_NON_BINARY_VALUE_REGEX,
  MAX_VALUE_BYTES,
  normalizeIdentityKey,
  normalizeMetadataKey,
  normalizeMetadataValue,
  RESERVED_KEY_PREFIX,
  RESERVED_KEYS,
} from './metadata-rules.js';
export {
  DEFAULT_TOKEN_MAX_AGE_MS,
  FileTokenSource,
  type FileTokenSourceOptions,
  type TokenSource,
} from './token-source.js';
