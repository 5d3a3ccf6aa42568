#!/usr/bin/env node
// `pnpm start`: the whole system on this machine, until Ctrl-C or --duration.
// Signals are taken before the rest loads (seconds on a busy machine), so an early Ctrl-C stops cleanly too.
const aborter = new AbortController();
// pnpm passes the terminal's Ctrl-C on to its child, so one key press can arrive twice.
const REPEAT_MS = 1_000;
let firstSignalAt: number | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const now = Date.now();
    if (firstSignalAt === null) {
      firstSignalAt = now;
      aborter.abort(signal);
    } else if (now - firstSignalAt > REPEAT_MS) {
      // A second Ctrl-C gives up on a clean stop; the servers still go, as they watch this process.
      process.exit(130);
    }
  });
}

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), aborter.signal);
