/** Steps that undo what was started, run newest first. */
export class Teardown {
  readonly #steps: Array<{ what: string; undo: () => Promise<unknown> | unknown }> = [];

  /** Registers how to undo something that has just started. */
  add(what: string, undo: () => Promise<unknown> | unknown): void {
    this.#steps.push({ what, undo });
  }

  /**
   * Runs every step, newest first, once; a failing step does not stop the others.
   * @returns a line for each step that failed
   */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        failures.push(`${step.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
