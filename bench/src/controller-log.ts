/** What the benchmark reads from the controller's JSON log lines (pino, one object per line). */

/** Milestones and counts found in a controller log. */
export interface ControllerLogFacts {
  /** Epoch ms of the `caches synced` line. */
  readonly cachesSyncedAt: number | null;
  /** The informers' list time the controller reported on that line (its `ms` field). */
  readonly informerSyncMs: number | null;
  /** Epoch ms of the first `run created` (latest path) or `workflow submitted` (embedded) line. */
  readonly firstRunCreatedAt: number | null;
  /** `run created` and `workflow submitted` lines. */
  readonly runsCreated: number;
  /** Lines at warn level or above, by message. */
  readonly problems: Readonly<Record<string, number>>;
}

/** What the controller logs once it has made a run: a `CreateRun` answered, a Workflow created. */
const RUN_MADE_MESSAGES = new Set(['run created', 'workflow submitted']);

/** pino's numeric levels, and the controller's label form of them. */
const WARN_LEVEL = 40;
const PROBLEM_LABELS = new Set(['warn', 'error', 'fatal']);

/** Reads the milestones out of a controller's stderr; lines that are not JSON are skipped. */
export function readControllerLog(text: string): ControllerLogFacts {
  let cachesSyncedAt: number | null = null;
  let informerSyncMs: number | null = null;
  let firstRunCreatedAt: number | null = null;
  let runsCreated = 0;
  const problems: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (!entry) continue;
    const msg = String(entry.msg ?? '');
    if (msg === 'caches synced' && cachesSyncedAt === null) {
      cachesSyncedAt = timeOf(entry);
      informerSyncMs = typeof entry.ms === 'number' ? entry.ms : null;
    } else if (RUN_MADE_MESSAGES.has(msg)) {
      runsCreated += 1;
      firstRunCreatedAt ??= timeOf(entry);
    }
    if (isProblem(entry.level)) problems[msg] = (problems[msg] ?? 0) + 1;
  }
  return { cachesSyncedAt, informerSyncMs, firstRunCreatedAt, runsCreated, problems };
}

function parseLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** pino writes `time` as epoch ms, or as an ISO string with `isoTime`. */
function timeOf(entry: Record<string, unknown>): number | null {
  const time = entry.time;
  if (typeof time === 'number') return time;
  if (typeof time === 'string') {
    const parsed = Date.parse(time);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

function isProblem(level: unknown): boolean {
  return typeof level === 'number' ? level >= WARN_LEVEL : PROBLEM_LABELS.has(String(level));
}
