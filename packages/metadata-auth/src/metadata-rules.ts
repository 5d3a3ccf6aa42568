import { MetadataValidationError } from './errors.js';

/** Characters a gRPC metadata key may hold once lower-cased (gRPC over HTTP/2 spec, without ':'). */
export const LEGAL_KEY_REGEX = /^[0-9a-z_.-]+$/;

/** A text metadata value: printable ASCII, 0x20 to 0x7E (gRPC over HTTP/2 spec, "ASCII-Value"). */
export const LEGAL_NON_BINARY_VALUE_REGEX = /^[ -~]*$/;

/** Largest value accepted, in bytes, so one entry can never exceed a server's header-list limit. */
export const MAX_VALUE_BYTES = 4096;

/** gRPC reserves every key with this prefix for itself (`grpc-status`, `grpc-timeout`, ...). */
export const RESERVED_KEY_PREFIX = 'grpc-';

/** Suffix that marks a binary (base64-encoded) metadata entry. */
export const BINARY_KEY_SUFFIX = '-bin';

/** The key that carries the bearer token. */
export const AUTHORIZATION_KEY = 'authorization';

/**
 * Headers that HTTP/2 forbids (connection-specific) or that the gRPC transport writes itself; a
 * metadata entry with one of these names is dropped or rejected on the wire.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'te',
  'user-agent',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * Trims and lower-cases a metadata key, then checks it against the gRPC rules.
 *
 * @param raw - the key as configured (ConfigMap values often end in a newline)
 * @param setting - the flag, env var or field it came from, for the error message
 * @returns the normalised key
 * @throws MetadataValidationError when the key is empty, has an illegal character, is reserved
 */
export function normalizeMetadataKey(raw: string, setting: string): string {
  const key = raw.trim().toLowerCase();
  if (key === '') {
    throw new MetadataValidationError(setting, 'the metadata key is empty');
  }
  if (!LEGAL_KEY_REGEX.test(key)) {
    throw new MetadataValidationError(
      setting,
      `metadata key "${printable(key)}" may only contain 0-9, a-z, "_", "." and "-"`,
    );
  }
  if (key.startsWith(RESERVED_KEY_PREFIX)) {
    throw new MetadataValidationError(
      setting,
      `metadata key "${key}" must not start with "${RESERVED_KEY_PREFIX}" (reserved by gRPC)`,
    );
  }
  if (RESERVED_KEYS.has(key)) {
    throw new MetadataValidationError(
      setting,
      `metadata key "${key}" is a header reserved by HTTP/2 or gRPC`,
    );
  }
  return key;
}

/**
 * Normalises a key that will carry the user identity: the general key rules, and it must be a text
 * key other than `authorization` (which carries the bearer token).
 *
 * @throws MetadataValidationError naming `setting` and the rule broken
 */
export function normalizeIdentityKey(raw: string, setting: string): string {
  const key = normalizeMetadataKey(raw, setting);
  if (key === AUTHORIZATION_KEY) {
    throw new MetadataValidationError(
      setting,
      `metadata key "${key}" is used for the bearer token and cannot carry the user identity`,
    );
  }
  if (key.endsWith(BINARY_KEY_SUFFIX)) {
    throw new MetadataValidationError(
      setting,
      `metadata key "${key}" ends in "${BINARY_KEY_SUFFIX}", which marks binary metadata; the identity is text`,
    );
  }
  return key;
}

/**
 * Checks a text metadata value that is already assembled (no trimming), for example prefix + value.
 *
 * @throws MetadataValidationError naming `setting`; the message never repeats the value
 */
export function checkMetadataValue(value: string, setting: string): string {
  if (value === '') {
    throw new MetadataValidationError(setting, 'the metadata value is empty');
  }
  assertPrintableAscii(value, setting);
  if (value.length > MAX_VALUE_BYTES) {
    throw new MetadataValidationError(
      setting,
      `the metadata value is ${value.length} bytes; at most ${MAX_VALUE_BYTES} are allowed`,
    );
  }
  return value;
}

/**
 * Trims a text metadata value, then checks it with {@link checkMetadataValue}.
 *
 * @throws MetadataValidationError naming `setting`; the message never repeats the value
 */
export function normalizeMetadataValue(raw: string, setting: string): string {
  return checkMetadataValue(raw.trim(), setting);
}

/**
 * Requires printable ASCII (0x20-0x7E), reporting the first offending position, not the text.
 *
 * @throws MetadataValidationError naming `setting`
 */
export function assertPrintableAscii(value: string, setting: string): void {
  if (LEGAL_NON_BINARY_VALUE_REGEX.test(value)) return;
  const at = [...value].findIndex((ch) => !LEGAL_NON_BINARY_VALUE_REGEX.test(ch));
  throw new MetadataValidationError(
    setting,
    `the value has a character outside printable ASCII (0x20-0x7E) at position ${at}`,
  );
}

/** Escapes control characters so a rejected key can be shown safely in one log line. */
function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
