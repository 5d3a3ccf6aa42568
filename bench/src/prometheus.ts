/** Reading counters out of the Prometheus text format the controller serves on `/metrics`. */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** One sample of the text format: its metric name, labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly value: number;
}

/** The samples of a `/metrics` text, in order; comments and blank lines are skipped. */
export function* samples(text: string): Generator<Sample> {
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels = new Map(
      [...(match[2] ?? '').matchAll(LABEL)].map((pair) => [pair[1] ?? '', pair[2] ?? '']),
    );
    yield { name: match[1] ?? '', labels, value: Number(match[3]) };
  }
}

/**
 * The sum of the samples named `name` whose labels include every pair of `labels` (a counter's
 * total across the other labels); 0 when there is none.
 */
export function sumSamples(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const sample of samples(text)) {
    if (sample.name !== name) continue;
    if (Object.entries(labels).every(([key, value]) => sample.labels.get(key) === value)) sum += sample.value;
  }
  return sum;
}

/** Fetches `/metrics` from a controller on loopback. */
export async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics on port ${port} answered ${response.status}`);
  return response.text();
}
