/** How late this process's own timers fire: the scheduling noise every measurement here carries. */
import { type Summary, summarize } from './stats.js';

/** A running probe; `stop` ends it and summarizes how late its timers were, in ms. */
export interface TimerProbe {
  stop(): Summary | null;
}

/**
 * Arms a timer for each whole `intervalMs` boundary of the clock (as the controller arms one for
 * each fire time) and records how late each one ran.
 */
export function startTimerProbe(intervalMs = 100): TimerProbe {
  const lateness: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const due = (Math.floor(Date.now() / intervalMs) + 1) * intervalMs;
    timer = setTimeout(() => {
      lateness.push(Date.now() - due);
      arm();
    }, due - Date.now());
  };
  arm();
  return {
    stop() {
      clearTimeout(timer);
      return summarize(lateness);
    },
  };
}
