/**
 * The cron micro-benchmark: next-fire computations per second of each engine on each expression and
 * zone, with the expression compiled once, and how often the other engines agree with ours.
 */
import { BENCH_EXPRESSIONS, BENCH_ZONES, benchInstants, type CompiledCron, ENGINES } from './cron-engines.js';

/** Instants each engine is asked about, in turn, for as long as a case lasts. */
const INSTANTS = benchInstants(1_000);

/** One engine on one expression and zone. */
export interface EngineCase {
  readonly engine: string;
  /** `null` when the engine rejects the expression. */
  readonly opsPerSecond: number | null;
  /** Share of the instants for which its next fire equals ours (1 for ours). */
  readonly agreement: number | null;
}

/** Every engine on one expression and zone. */
export interface CronCase {
  readonly expression: string;
  readonly zone: string;
  readonly engines: readonly EngineCase[];
}

/** The micro-benchmark's result. */
export interface CronBenchResult {
  readonly kind: 'cron';
  readonly date: string;
  readonly msPerCase: number;
  readonly instants: number;
  readonly cases: readonly CronCase[];
}

/** Rounds of untimed calls on every case before timing any, so no case pays for the JIT's warm-up. */
const WARM_UP_ROUNDS = 5;

/** Runs every engine on every expression and zone for about `msPerCase` each. */
export function runCronBench(msPerCase: number, say: (line: string) => void): CronBenchResult {
  const prepared = BENCH_ZONES.flatMap((zone) =>
    BENCH_EXPRESSIONS.map((expression) => ({
      expression,
      zone,
      compiled: ENGINES.map((engine) => ({ engine: engine.name, cron: engine.compile(expression, zone) })),
    })),
  );
  for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
    for (const { compiled } of prepared) for (const { cron } of compiled) if (cron) callEach(cron);
  }
  const cases = prepared.map(({ expression, zone, compiled }) => {
    const ours = compiled[0]?.cron;
    if (!ours) throw new Error(`our engine rejects the benchmark expression "${expression}"`);
    const reference = INSTANTS.map((at) => ours.next(at));
    const engines = compiled.map(({ engine, cron }) => timeEngine(engine, cron, reference, msPerCase));
    say(`  ${zone} ${expression}`);
    return { expression, zone, engines };
  });
  return { kind: 'cron', date: new Date().toISOString(), msPerCase, instants: INSTANTS.length, cases };
}

/** Asks for the next fire after every instant; the sum keeps the calls from being optimised away. */
function callEach(cron: CompiledCron): number {
  let sum = 0;
  for (const at of INSTANTS) sum += cron.next(at) ?? 0;
  return sum;
}

function timeEngine(
  engine: string,
  cron: CompiledCron | null,
  reference: readonly (number | null)[],
  msPerCase: number,
): EngineCase {
  if (!cron) return { engine, opsPerSecond: null, agreement: null };
  const agreeing = INSTANTS.filter((at, i) => cron.next(at) === reference[i]).length;
  let operations = 0;
  let sink = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    sink += callEach(cron);
    operations += INSTANTS.length;
    elapsed = performance.now() - started;
  } while (elapsed < msPerCase);
  if (Number.isNaN(sink)) throw new Error(`${engine} returned a time that is not a number`);
  return { engine, opsPerSecond: (operations / elapsed) * 1000, agreement: agreeing / INSTANTS.length };
}
