import type { Stack } from './stack.js';
import { renderView, runEvent } from './view.js';

/** Shows a running stack until `stop`. */
export interface Output {
  stop(): void;
}

const REDRAW_MS = 1_000;
/** A CreateRun's scheduled second comes with the next status write; wait that long for it. */
const SCHEDULE_WAIT_MS = 3_000;

// Alternate screen and hidden cursor while the view runs, so the shell's screen comes back after.
const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

/** Redraws the whole view every second on the terminal; leaves the last screen printed on stop. */
export function liveView(stack: Stack, stream: NodeJS.WriteStream): Output {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const draw = () =>
    renderView(stack.state(), Date.now(), {
      columns: stream.columns || 120,
      rows: stream.rows || 40,
      timeZone,
    });
  stream.write(ENTER);
  const redraw = () => stream.write(`${HOME}${draw().split('\n').join(`${CLEAR_LINE_END}\n`)}${CLEAR_BELOW}`);
  redraw();
  const timer = setInterval(redraw, REDRAW_MS);
  return {
    stop() {
      clearInterval(timer);
      stream.write(`${LEAVE}${draw()}\n`);
    },
  };
}

/**
 * Prints one JSON line per event: `ready` with the stack's settings, `run` per run (once its
 * scheduled second is known, or after a short wait), `stopped` with the schedules.
 */
export function jsonLines(stack: Stack, stream: NodeJS.WritableStream): Output {
  const printed = new Set<string>();
  stream.write(`${JSON.stringify({ event: 'ready', workDir: stack.workDir, ...stack.info })}\n`);
  const flush = (force: boolean) => {
    const now = Date.now();
    for (const run of [...stack.state().runs].reverse()) {
      if (printed.has(run.run)) continue;
      if (!force && run.scheduledAt === null && now - run.receivedAt < SCHEDULE_WAIT_MS) continue;
      printed.add(run.run);
      stream.write(`${runEvent(run)}\n`);
    }
  };
  const timer = setInterval(() => flush(false), REDRAW_MS);
  return {
    stop() {
      clearInterval(timer);
      flush(true);
      const { schedules, notices } = stack.state();
      stream.write(`${JSON.stringify({ event: 'stopped', runs: printed.size, schedules, notices })}\n`);
    },
  };
}
