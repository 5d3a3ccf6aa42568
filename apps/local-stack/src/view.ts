import type { RunRow, ScheduleRow } from './runs.js';

/** What runs where: the header of the view. */
export interface StackInfo {
  /** `local`: the embedded control plane and KFP API double; `cluster`: a real cluster. */
  readonly mode: 'local' | 'cluster';
  /** The kube-apiserver's address. */
  readonly server: string;
  /** Admin kubeconfig of the embedded control plane (local mode). */
  readonly adminKubeconfig: string | null;
  /** `host:port` of the KFP API server (or its double) the controller calls. */
  readonly kfpAddress: string;
  readonly controllerPid: number | null;
  readonly metricsUrl: string;
  readonly logFile: string;
  /** The controller's env, as the generated multi-user Deployment sets it. */
  readonly env: Readonly<Record<string, string>>;
  /** Who the kube-apiserver authenticates the controller's kubeconfig as. */
  readonly kubeIdentity: string | null;
  /**
   * Local mode, where no Argo controller runs: seconds after its creation at which the stand-in for
   * Argo marks each Workflow Succeeded. `null` in cluster mode.
   */
  readonly workflowRunSeconds: number | null;
  readonly startedAt: number;
}

/** Everything the view shows at one instant. */
export interface ViewState {
  readonly info: StackInfo;
  readonly schedules: readonly ScheduleRow[];
  readonly runs: readonly RunRow[];
  /** Lines worth a look: a controller that exited, a sample that was skipped, ... */
  readonly notices: readonly string[];
}

/** Size of the terminal and the zone its clock reads in. */
export interface Screen {
  readonly columns: number;
  readonly rows: number;
  readonly timeZone: string;
}

const ENV_SHOWN = ['NAMESPACE', 'USER_IDENTITY_HEADER', 'USER_IDENTITY_PREFIX', 'USER_IDENTITY_VALUE'];

/** The whole screen for `state` at `now`, one string, lines cut to the terminal's width. */
export function renderView(state: ViewState, now: number, screen: Screen): string {
  const { info } = state;
  const clock = timeFormat(screen.timeZone);
  const header = [
    `swf local stack (${info.mode}) · up ${duration(now - info.startedAt)} · ${clock(now)} · Ctrl-C stops everything`,
    '',
    `kube-apiserver   ${info.server}${info.adminKubeconfig ? `   admin: KUBECONFIG=${info.adminKubeconfig}` : ''}`,
    `KFP API          ${info.kfpAddress}${info.mode === 'local' ? " (double: multi-user, TokenReview + SubjectAccessReview; creates each run's Workflow as ml-pipeline)" : ''}`,
    ...(info.workflowRunSeconds === null
      ? []
      : [
          `Argo             stand-in: marks each Workflow Succeeded ${info.workflowRunSeconds} s after creation (no Argo controller runs here)`,
        ]),
    `controller       pid ${info.controllerPid ?? 'exited'} · ${info.metricsUrl} · log ${info.logFile}`,
    `  env            ${ENV_SHOWN.map((name) => `${name}=${JSON.stringify(info.env[name] ?? null)}`).join(' ')}`,
    `  kube identity  ${info.kubeIdentity ?? '(unknown)'}`,
    ...state.notices.map((notice) => `! ${notice}`),
    '',
    table(SCHEDULE_COLUMNS, SCHEDULE_TITLES),
    ...state.schedules.map((s) =>
      table(SCHEDULE_COLUMNS, [
        s.schedule,
        s.trigger,
        s.path,
        String(s.runs),
        s.lastScheduledAt === null ? '-' : clock(s.lastScheduledAt).slice(0, 8),
        s.nextAt === null ? '-' : `${clock(s.nextAt).slice(0, 8)} (in ${seconds(s.nextAt - now)})`,
        s.condition,
      ]),
    ),
    '',
    `RUNS (${state.runs.length}, newest first)`,
    table(RUN_COLUMNS, RUN_TITLES),
  ];
  const room = Math.max(1, screen.rows - header.length - 1);
  const runs = state.runs
    .slice(0, room)
    .map((r) =>
      table(RUN_COLUMNS, [
        clock(r.receivedAt),
        r.scheduledAt === null ? '…' : clock(r.scheduledAt).slice(0, 8),
        lateness(r.latenessMs),
        r.path,
        r.run,
        `${r.identity ?? '(none)'}${r.outcome === 'created' ? '' : ` [${r.outcome}]`}${r.workflow ? ` -> Workflow ${r.workflow}` : ''}`,
      ]),
    );
  return [...header, ...runs].map((line) => line.slice(0, screen.columns)).join('\n');
}

/** One run as a JSON line, for a terminal that is not a TTY (logs, tests). */
export function runEvent(run: RunRow): string {
  return JSON.stringify({ event: 'run', ...run });
}

/** `+12 ms`, `+1.250 s`, `-3 ms` or `…` when unknown. */
export function lateness(ms: number | null): string {
  if (ms === null) return '…';
  const sign = ms < 0 ? '-' : '+';
  const size = Math.abs(ms);
  return size < 1000 ? `${sign}${size} ms` : `${sign}${(size / 1000).toFixed(3)} s`;
}

function timeFormat(timeZone: string): (at: number) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  });
  return (at) => format.format(at);
}

function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function seconds(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))}s`;
}

/** A column's width (0: the rest of the line) and side. */
type Column = readonly [width: number, align: 'left' | 'right'];

const SCHEDULE_COLUMNS: readonly Column[] = [
  [34, 'left'],
  [20, 'left'],
  [9, 'left'],
  [4, 'right'],
  [14, 'left'],
  [21, 'left'],
  [0, 'left'],
];
const SCHEDULE_TITLES = ['SCHEDULE', 'TRIGGER', 'PATH', 'RUNS', 'LAST SCHEDULED', 'NEXT FIRE', 'CONDITION'];
const RUN_COLUMNS: readonly Column[] = [
  [12, 'left'],
  [9, 'left'],
  [9, 'right'],
  [9, 'left'],
  [40, 'left'],
  [0, 'left'],
];
const RUN_TITLES = ['RECEIVED', 'SCHEDULED', 'LATENESS', 'PATH', 'RUN', 'IDENTITY THE API SERVER SAW'];

/** One line of a table: each cell padded to its column, two spaces apart. */
function table(columns: readonly Column[], cells: readonly string[]): string {
  return cells
    .map((cell, i) => {
      const [width, align] = columns[i] ?? [0, 'left'];
      return align === 'left' ? cell.padEnd(width) : cell.padStart(width);
    })
    .join('  ')
    .trimEnd();
}
