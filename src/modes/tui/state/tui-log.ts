// `codex-tui.log` (`[telemetry.logs.tui]`): one line per TUI event (start, slash commands, approvals, pickers,
// errors, quit), beside the debug log that gets the same events with the agent's. Written only when telemetry
// is on; a file that cannot be written costs one warning. Lines carry names and decisions, never prompt text.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { ResolvedConfig } from "../../../config/types.ts";
import { resolveTelemetryConfig } from "../../../telemetry/config.ts";
import type { Telemetry } from "../../../telemetry/index.ts";
import { openLogFile } from "../../../telemetry/log-file.ts";

export interface TuiLog {
  note(kind: string, fields?: Record<string, unknown>): void;
  close(): Promise<void>;
}

export function openTuiLog(config: ResolvedConfig, telemetry: Telemetry, warn: (m: string) => void): TuiLog {
  const log = telemetry.files.dir ? resolveTelemetryConfig(config).logs.tui : undefined;
  let file: ReturnType<typeof openLogFile>;
  if (log?.enabled && log.path) {
    try {
      mkdirSync(dirname(log.path), { recursive: true, mode: 0o700 });
    } catch {}
    file = openLogFile(log.path, {
      bufferBytes: 4096,
      flushEveryMs: 1000,
      onError: (e) =>
        warn(`telemetry: cannot write ${log.path} (${e.message}); this log is off for this run`),
    });
  }
  return {
    note(kind, fields = {}) {
      telemetry.note(kind, fields);
      file?.write(
        `${new Date().toISOString()} INFO ${kind}${Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ""}\n`,
      );
    },
    close: async () => {
      await file?.close();
    },
  };
}
