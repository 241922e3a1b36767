// Ending a run from outside: SIGINT, SIGTERM, SIGHUP and SIGQUIT (and a closed stdout or stderr, the SIGPIPE
// a Node process never gets) all do what Ctrl-C does. The front end aborts the turn (which kills the command's
// process group and records `turn_aborted`), closes its files, and exits 128 + the signal's number.
// Contract: a second signal while shutting down exits at once with the first signal's code; the `exit`
// listeners (telemetry's synchronous flush, session locks, live command groups) still run.
import { constants } from "node:os";

export const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number] | "SIGPIPE";

export interface SignalWatch {
  /** The first signal received, if any. */
  readonly received?: ShutdownSignal;
  /** 128 + the received signal's number, else `normal`. */
  exitCode(normal: number): number;
  /** Removes the listeners (the run is over; later signals get Node's defaults again). */
  dispose(): void;
}

export function signalExitCode(signal: ShutdownSignal): number {
  return 128 + (constants.signals as Record<string, number>)[signal];
}

/** Calls `onShutdown` once, on the first signal (or broken stdout/stderr pipe). */
export function watchSignals(onShutdown: (signal: ShutdownSignal) => void): SignalWatch {
  let received: ShutdownSignal | undefined;
  const shutdown = (signal: ShutdownSignal) => {
    if (received) {
      if (signal !== "SIGPIPE") process.exit(signalExitCode(received));
      return;
    }
    received = signal;
    onShutdown(signal);
  };
  const handlers = SHUTDOWN_SIGNALS.map((signal) => [signal, () => shutdown(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  // Writing to a pipe whose reader is gone (`exec … | head -1`): Node ignores SIGPIPE and reports EPIPE on
  // the stream instead, which would otherwise be an uncaught error. Nobody reads the run any more: stop it.
  const onStreamError = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") shutdown("SIGPIPE");
  };
  process.stdout.on("error", onStreamError);
  process.stderr.on("error", onStreamError);
  return {
    get received() {
      return received;
    },
    exitCode: (normal) => (received ? signalExitCode(received) : normal),
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      // Kept on the streams: a write in the last moments of the run must not become an uncaught error.
    },
  };
}
