/** Tables and target checks of the benchmarks' results. */
import type { CronBenchResult } from './cron-bench.js';
import type { EndToEndResult } from './e2e.js';

/** One target the end-to-end benchmark checks. */
export interface TargetCheck {
  readonly name: string;
  /** The limit, as written in a table. */
  readonly limit: string;
  /** The measured value, as written in a table. */
  readonly value: string;
  /** `null` when nothing was measured. */
  readonly met: boolean | null;
}

/** Highest acceptable p99 lateness: 1 s up to 1,000 resources, 2 s above. */
export function latenessLimitMs(n: number): number {
  return n <= 1_000 ? 1_000 : 2_000;
}

/** Kubernetes writes allowed per fire. */
export const MAX_WRITES_PER_FIRE = 2;
/** Peak resident memory allowed, bytes (250 MB). */
export const MAX_PEAK_RSS_BYTES = 250_000_000;
/** Longest time from start to the first reconcile. */
export const MAX_FIRST_RECONCILE_MS = 10_000;

/** The targets, checked against one result. */
export function checkTargets(result: EndToEndResult): TargetCheck[] {
  const { steady, startup, memory, settings } = result;
  const p99 = steady.latenessMs?.p99 ?? null;
  const latenessLimit = latenessLimitMs(settings.n);
  return [
    {
      name: 'p99 trigger lateness',
      limit: `<= ${seconds(latenessLimit)}`,
      value: p99 === null ? 'n/a' : seconds(p99),
      met: p99 === null ? null : p99 <= latenessLimit,
    },
    {
      name: 'fires received',
      limit: `= ${steady.expectedFires}`,
      value: String(steady.receivedFires),
      met: steady.receivedFires === steady.expectedFires,
    },
    {
      name: 'Kubernetes writes per fire',
      limit: `<= ${MAX_WRITES_PER_FIRE}`,
      value: steady.writesPerFire === null ? 'n/a' : steady.writesPerFire.toFixed(2),
      met: steady.writesPerFire === null ? null : steady.writesPerFire <= MAX_WRITES_PER_FIRE,
    },
    {
      name: 'controller peak RSS',
      limit: `<= ${megabytes(MAX_PEAK_RSS_BYTES)}`,
      value: megabytes(memory.peakRssBytes),
      met: memory.peakRssBytes <= MAX_PEAK_RSS_BYTES,
    },
    {
      name: 'start to first reconcile',
      limit: `<= ${seconds(MAX_FIRST_RECONCILE_MS)}`,
      value: startup.firstReconcileMs === null ? 'n/a' : seconds(startup.firstReconcileMs),
      met: startup.firstReconcileMs === null ? null : startup.firstReconcileMs <= MAX_FIRST_RECONCILE_MS,
    },
  ];
}

/** The rows of one end-to-end result, as `[metric, value]`. */
export function endToEndRows(result: EndToEndResult): [string, string][] {
  const { settings, setup, startup, steady, memory } = result;
  const lateness = steady.latenessMs;
  const review = steady.reviewMs;
  const means = steady.controllerMeansMs;
  const writes = Object.entries(steady.kubeWrites)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    ['resources (N)', String(settings.n)],
    ['controller', controllerText(settings)],
    ['schedule', `every ${settings.periodSeconds} s, e.g. "${settings.cronExample}"`],
    ['fires per second (scheduled)', (settings.n / settings.periodSeconds).toFixed(1)],
    ['CLIENT_QPS / CLIENT_BURST', `${settings.qps} / ${settings.burst}`],
    ['created in', `${setup.createSeconds.toFixed(1)} s (${setup.createPerSecond.toFixed(0)}/s)`],
    ['start -> caches synced', milliseconds(startup.cachesSyncedMs)],
    ['start -> first reconcile', milliseconds(startup.firstReconcileMs)],
    ['start -> every resource reconciled', milliseconds(startup.firstPassMs)],
    [
      'start -> first run created',
      `${milliseconds(startup.firstRunCreatedMs)} (first fire due ${milliseconds(startup.firstFireDueMs)})`,
    ],
    ['window', `${steady.seconds} s from ${steady.windowStart}`],
    ['fires received / expected', `${steady.receivedFires} / ${steady.expectedFires}`],
    ['lateness p50 / p99 / max', lateness ? `${lateness.p50} / ${lateness.p99} / ${lateness.max} ms` : 'n/a'],
    [
      '  of which SubjectAccessReview p50 / p99',
      review ? `${review.p50.toFixed(1)} / ${review.p99.toFixed(1)} ms` : 'n/a',
    ],
    [
      'timer lag in the benchmark process p50 / p99',
      steady.timerLagMs ? `${steady.timerLagMs.p50} / ${steady.timerLagMs.p99} ms` : 'n/a',
    ],
    [
      'controller means: lateness / reconcile / CreateRun / status write',
      [means.lateness, means.reconcile, means.createRun, means.statusWrite].map(milliseconds).join(' / '),
    ],
    ['CreateRun calls per second', steady.createRunPerSecond.toFixed(1)],
    ['reconciles per second', steady.reconcilesPerSecond.toFixed(1)],
    [
      'Kubernetes writes per fire',
      steady.writesPerFire === null ? 'n/a' : `${steady.writesPerFire.toFixed(2)} (${writes})`,
    ],
    ['controller CPU', `${steady.controllerCpuPercent.toFixed(0)}% of one core`],
    ['machine CPU', `${steady.machineCpuPercent.toFixed(0)}% of ${result.machine.cores} cores`],
    ['CPU by process (% of one core)', cpuText(steady.cpuPercentByProcess)],
    ['load average at start (1/5/15 min)', result.machine.loadAverage.join(' / ')],
    [
      'controller peak RSS: caches synced / first pass / end',
      [memory.peakRssAtFirstReconcileBytes, memory.peakRssAfterFirstPassBytes, memory.peakRssBytes]
        .map((bytes) => (bytes === null ? 'n/a' : megabytes(bytes)))
        .join(' / '),
    ],
    [
      'controller RSS / V8 heap used / heap total / external at end',
      [memory.rssAtEndBytes, memory.heapUsedBytes, memory.heapTotalBytes, memory.externalBytes]
        .map(megabytes)
        .join(' / '),
    ],
    ['warnings and errors logged', problemsText(result.logProblems)],
  ];
}

/** One row per target: its name, and the value, the limit and whether it was met. */
function targetRows(result: EndToEndResult): [string, string][] {
  return checkTargets(result).map((t) => [`target: ${t.name}`, `${t.value} (${t.limit}) ${verdict(t.met)}`]);
}

/** A plain-text table of one end-to-end result and its targets. */
export function formatEndToEnd(result: EndToEndResult): string {
  return table(['metric', 'value'], [...endToEndRows(result), ...targetRows(result)]);
}

/** The cron micro-benchmark as a header, rows and one ratio line per other engine. */
function cronTable(result: CronBenchResult): { header: string[]; rows: string[][]; ratios: string[] } {
  const names = result.cases[0]?.engines.map((e) => e.engine) ?? [];
  const rows = result.cases.map((c) => {
    const ours = c.engines[0]?.opsPerSecond ?? null;
    return [
      c.zone,
      c.expression,
      ...c.engines.map((e, i) => {
        if (e.opsPerSecond === null) return 'rejects';
        const speed = rate(e.opsPerSecond);
        if (i === 0 || ours === null) return speed;
        const agree = `${agreementText(e.agreement ?? 0)} agree`;
        return `${speed} (ours x${(ours / e.opsPerSecond).toFixed(2)}, ${agree})`;
      }),
    ];
  });
  const ratios = names.slice(1).map((name, i) => {
    const values = result.cases
      .map((c) => [c.engines[0]?.opsPerSecond, c.engines[i + 1]?.opsPerSecond] as const)
      .filter((pair): pair is readonly [number, number] => pair[0] != null && pair[1] != null)
      .map(([ours, theirs]) => ours / theirs);
    return `ours vs ${name}: x${geometricMean(values).toFixed(2)} (geometric mean over ${values.length} cases)`;
  });
  return { header: ['zone', 'expression', ...names], rows, ratios };
}

/** A plain-text table of the cron micro-benchmark, with speeds relative to ours. */
export function formatCronBench(result: CronBenchResult): string {
  const { header, rows, ratios } = cronTable(result);
  return `${table(header, rows)}\n${ratios.join('\n')}`;
}

/** A Markdown table with one column per end-to-end result (e.g. N = 100, 1,000, 10,000). */
export function formatSummary(results: readonly EndToEndResult[]): string {
  const columns = results.map((result) => [...endToEndRows(result), ...targetRows(result)]);
  const header = `| metric | ${results.map((r) => `N = ${r.settings.n}${r.settings.bundle ? ' (bundle)' : ''}`).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---').join('|')}|`;
  const rows = (columns[0] ?? []).map(([label], row) => {
    const cells = columns.map((column) => markdownCell(column[row]?.[1] ?? ''));
    return `| ${markdownCell(label)} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

/** A cron micro-benchmark result as a Markdown table. */
export function formatCronSummary(result: CronBenchResult): string {
  const { header, rows, ratios } = cronTable(result);
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [
    line(header),
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map(line),
    '',
    ...ratios.map((ratio) => `- ${ratio}`),
  ].join('\n');
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Operations per second, to two significant digits at least. */
function rate(perSecond: number): string {
  if (perSecond >= 10_000_000) return `${(perSecond / 1_000_000).toFixed(0)}M/s`;
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k/s`;
  return `${(perSecond / 1000).toFixed(1)}k/s`;
}

/** 100% only when every answer agreed; otherwise one decimal, so one disagreement shows. */
function agreementText(share: number): string {
  return share === 1 ? '100%' : `${Math.min(99.9, share * 100).toFixed(1)}%`;
}

function verdict(met: boolean | null): string {
  if (met === null) return 'NOT MEASURED';
  return met ? 'met' : 'MISSED';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function milliseconds(ms: number | null): string {
  return ms === null ? 'n/a' : `${Math.round(ms)} ms`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(0)} MB`;
}

function geometricMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

function controllerText(settings: EndToEndResult['settings']): string {
  const script =
    settings.controllerPath ??
    (settings.bundle ? "dist/bundle/swf-controller.mjs (the image's bundle)" : 'dist/bin.js');
  return [script, ...(settings.nodeFlags ?? [])].join(' ');
}

function cpuText(byProcess: Readonly<Record<string, number>>): string {
  return Object.entries(byProcess)
    .filter(([, percent]) => percent >= 1)
    .sort(([, a], [, b]) => b - a)
    .map(([name, percent]) => `${name} ${percent}`)
    .join(', ');
}

function problemsText(problems: Readonly<Record<string, number>>): string {
  const entries = Object.entries(problems);
  return entries.length === 0 ? 'none' : entries.map(([msg, count]) => `${count} x "${msg}"`).join('; ');
}
