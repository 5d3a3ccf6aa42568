/**
 * A metadata key or value, or a setting that supplies one, breaks a rule.
 *
 * The message names the setting (for example `--userIdentityHeader / USER_IDENTITY_HEADER`) and the
 * rule; it never contains a metadata value, which may be a credential.
 */
export class MetadataValidationError extends Error {
  /** The flag, env var or field the bad input came from. */
  readonly setting: string;
  /** The rule that was broken, in words. */
  readonly rule: string;
  override readonly name = 'MetadataValidationError';

  constructor(setting: string, rule: string) {
    super(`${setting}: ${rule}`);
    this.setting = setting;
    this.rule = rule;
  }
}

/**
 * The bearer-token file exists but cannot be used (empty, unreadable, not a file).
 *
 * A call that meets this error fails instead of going out without credentials.
 */
export class TokenSourceError extends Error {
  /** Path of the token file. */
  readonly path: string;
  /** What is wrong with it, in words. */
  readonly rule: string;
  override readonly name = 'TokenSourceError';

  constructor(path: string, rule: string) {
    super(`token file ${path}: ${rule}`);
    this.path = path;
    this.rule = rule;
  }
}
