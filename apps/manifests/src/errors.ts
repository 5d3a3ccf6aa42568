/**
 * A manifest prop breaks a rule; thrown by the chart constructors before anything is synthesized.
 *
 * The message names the prop (for example `resources.memoryLimitMebibytes`) and the rule.
 */
export class ManifestPropsError extends Error {
  /** Path of the offending prop, for example `configMapKeys.userIdHeader`. */
  readonly field: string;
  /** The rule that was broken, in words. */
  readonly rule: string;
  override readonly name = 'ManifestPropsError';

  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}
