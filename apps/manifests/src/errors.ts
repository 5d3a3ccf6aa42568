/**
 * A manifest prop breaks a rule; thrown by the chart constructors before anything is synthesized.
 *
 * The message names the prop (for example `resources.memoryLimitMebibytes`) and the rule.
 */
export class ManifestPropsError extends Error {
  override readonly name = 'ManifestPropsError';

  constructor(
    /** Path of the offending prop, for example `configMapKeys.userIdHeader`. */
    readonly field: string,
    /** The rule that was broken, in words. */
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}
