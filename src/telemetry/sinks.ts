// The file side of telemetry, loaded (dynamic import from index.ts) only when telemetry is enabled:
// creates the directory (0700), prunes it, opens the debug log and the session usage log (0600; created at
// its first line).
// Contract: never throws for I/O. A directory that cannot be used costs exactly one warning and yields no
// sinks; each file that cannot be opened or written costs one warning and is dropped.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { WireLog } from "../gateway/client.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { createRedactor, type RedactorOptions } from "../util/redact.ts";
import { activeLogPaths, debugLogName, type TelemetryConfig } from "./config.ts";
import { DebugLog } from "./debug-log.ts";
import { type LogFile, openLogFile } from "./log-file.ts";
import { pruneTelemetryDir } from "./prune.ts";
import { sessionLine, type UsageRecord } from "./usage.ts";

export interface SinkOptions {
  config: TelemetryConfig;
  redaction: RedactorOptions;
  warn: (message: string) => void;
  now?: () => Date;
  /** The session id for the debug log's lines, when known at start. */
  sessionId?: string;
}

export interface Sinks {
  debugPath?: string;
  sessionPath?: string;
  onEvent(event: AgentEvent): void;
  onWire(entry: WireLog): void;
  onUsage(record: UsageRecord): void;
  note(kind: string, fields?: Record<string, unknown>): void;
  /** For `process.on("exit")`: writes what is buffered, synchronously. */
  flushSync(): void;
  close(): Promise<void>;
}

/** Debug log lines wait for this many bytes (or FLUSH_EVERY_MS) before a write is issued. */
const DEBUG_BUFFER_BYTES = 8 * 1024;
const FLUSH_EVERY_MS = 1000;

function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? error);
}

/** Creates the telemetry directory; an error message when it is unusable. */
function ensureDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

export function openSinks(options: SinkOptions): Sinks | undefined {
  const { config, warn } = options;
  const now = options.now ?? (() => new Date());
  const problem = ensureDir(config.dir);
  if (problem) {
    warn(`telemetry: cannot use ${config.dir} (${problem}); telemetry logs are off for this run`);
    return undefined;
  }
  const debugConf = config.logs.debug;
  const debugPath = debugConf.enabled ? (debugConf.path ?? join(config.dir, debugLogName(now()))) : undefined;
  const pruned = pruneTelemetryDir(config.dir, config.maxTotalBytes, activeLogPaths(config, debugPath));

  const warned = new Set<string>();
  const open = (path: string, bufferBytes: number): LogFile | undefined =>
    openLogFile(path, {
      bufferBytes,
      flushEveryMs: bufferBytes > 0 ? FLUSH_EVERY_MS : 0,
      onError: (error) => {
        if (warned.has(path)) return;
        warned.add(path);
        warn(`telemetry: cannot write ${path} (${describeError(error)}); this log is off for this run`);
      },
    });

  const debugFile = debugPath ? open(debugPath, DEBUG_BUFFER_BYTES) : undefined;
  const sessionConf = config.logs.session;
  const sessionFile = sessionConf.enabled && sessionConf.path ? open(sessionConf.path, 0) : undefined;
  const redact = createRedactor(options.redaction);
  const debug = debugFile
    ? new DebugLog({ file: debugFile, redact, now: () => now().getTime(), sessionId: options.sessionId })
    : undefined;

  debug?.note("telemetry.start", { dir: config.dir, session_log: sessionFile?.path ?? null });
  if (pruned.deleted.length || pruned.failed.length) {
    debug?.note("telemetry.pruned", {
      deleted: pruned.deleted,
      failed: pruned.failed,
      bytes_before: pruned.bytesBefore,
      bytes_after: pruned.bytesAfter,
      max_total_bytes: config.maxTotalBytes,
    });
  }

  const files = [debugFile, sessionFile].filter((f): f is LogFile => f !== undefined);
  return {
    // The first line opened the debug log: announce it only when that worked.
    debugPath: debugFile && !debugFile.failed ? debugFile.path : undefined,
    sessionPath: sessionFile?.path,
    onEvent: (event) => debug?.onEvent(event),
    onWire: (entry) => debug?.onWire(entry),
    onUsage: (record) => {
      // The session line holds model names and numbers only; redaction still applies (a model alias can
      // in theory be anything a user typed).
      sessionFile?.write(`${redact.text(sessionLine(record))}\n`);
    },
    note: (kind, fields) => debug?.note(kind, fields),
    flushSync: () => {
      debug?.finish();
      for (const file of files) file.flushSync();
    },
    close: async () => {
      if (debug) {
        debug.finish();
        const dropped = debugFile?.dropped ?? 0;
        debug.note("telemetry.stop", dropped ? { dropped_lines: dropped } : {});
      }
      await Promise.all(files.map((f) => f.close()));
    },
  };
}
