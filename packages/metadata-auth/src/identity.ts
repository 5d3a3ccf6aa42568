import { MetadataValidationError } from './errors.js';
import { assertPrintableAscii, checkMetadataValue, normalizeIdentityKey } from './metadata-rules.js';

/** The identity the controller sends on every call: one metadata key and its value. */
export interface UserIdentity {
  /** Lower-cased, validated metadata key, for example `kubeflow-userid`. */
  readonly key: string;
  /** Prefix + value, validated, for example `accounts.google.com:system:serviceaccount:kubeflow:sa`. */
  readonly value: string;
}

/** Raw identity settings as configured; any of them may be unset. */
export interface UserIdentitySettings {
  /** Metadata key; empty or unset turns the identity off. */
  readonly header?: string | undefined;
  /** The identity itself, usually `system:serviceaccount:<namespace>:<name>`. */
  readonly value?: string | undefined;
  /** Prepended to the value, as the API server expects (its `USERID_PREFIX`). */
  readonly prefix?: string | undefined;
}

/** How the caller names each setting in errors, for example `--userIdentityHeader / USER_IDENTITY_HEADER`. */
export interface UserIdentitySettingNames {
  readonly header: string;
  readonly value: string;
  readonly prefix: string;
}

/**
 * Resolves the identity settings into the metadata entry to send, or `null` when identity is off.
 *
 * Every setting is trimmed first (ConfigMap values end in newlines); the key is lower-cased. A header
 * without a value is an error rather than a silent "off": the operator asked for an identity and
 * would otherwise get `Unauthenticated` at the first run.
 *
 * @throws MetadataValidationError naming the setting and the rule broken
 */
export function resolveUserIdentity(
  settings: UserIdentitySettings,
  names: UserIdentitySettingNames,
): UserIdentity | null {
  const header = (settings.header ?? '').trim();
  if (header === '') return null;
  const key = normalizeIdentityKey(header, names.header);

  const value = (settings.value ?? '').trim();
  if (value === '') {
    throw new MetadataValidationError(
      names.value,
      `is empty, but ${names.header} is set to "${key}"; set both, or leave the header empty to turn the identity off`,
    );
  }
  assertPrintableAscii(value, names.value);
  const prefix = (settings.prefix ?? '').trim();
  assertPrintableAscii(prefix, names.prefix);
  return Object.freeze({
    key,
    value: checkMetadataValue(prefix + value, `${names.prefix} + ${names.value}`),
  });
}
