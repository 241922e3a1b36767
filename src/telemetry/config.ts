// `[telemetry]` of config.toml → TelemetryConfig (seeds/EXCLUSIVE_FEATURES.md). Pure: reads
// `config.raw.telemetry`, touches no files. Wrong types throw ConfigError naming the dotted key.
import { isAbsolute, join, resolve } from "node:path";
import { type Env, homeDir, processEnv } from "../config/env.ts";
import { isTable } from "../config/overrides.ts";
import type { ResolvedConfig } from "../config/types.ts";
import { TableReader } from "../config/values.ts";

export const DEFAULT_TELEMETRY_DIR = "logs";
/** 100 MiB; 0 disables pruning. */
export const DEFAULT_MAX_TOTAL_BYTES = 100 * 1024 * 1024;
export const SESSION_LOG_FILE = "codex-litellm-session.jsonl";
export const TUI_LOG_FILE = "codex-tui.log";

export type KnownLogName = "debug" | "session" | "tui";

export interface TelemetryLog {
  enabled: boolean;
  /**
   * Absolute path of the file. Undefined only for `debug` without `file`: each launch then writes a new
   * `YYYYMMDD-HHMMSS-<pid>-<suffix>.log` (see `debugLogName`).
   */
  path?: string;
  /** The `[telemetry.logs.<name>]` table as written, unknown keys included, for downstream tools. */
  table: Record<string, unknown>;
}

export interface TelemetryConfig {
  /** False means no telemetry file is created or touched at all. */
  enabled: boolean;
  /** Absolute directory of all telemetry logs. */
  dir: string;
  maxTotalBytes: number;
  /** `debug`, `session` and `tui` always; other names when config.toml has them. */
  logs: Record<KnownLogName, TelemetryLog> & Record<string, TelemetryLog>;
}

export function resolveTelemetryConfig(
  config: Pick<ResolvedConfig, "codexHome" | "raw">,
  env: Env = processEnv(),
): TelemetryConfig {
  const root = new TableReader(config.raw);
  const t = root.table("telemetry");
  const enabled = t.bool("enabled") ?? true;
  const dir = resolveDir(t.string("dir") ?? DEFAULT_TELEMETRY_DIR, config.codexHome, env);
  const maxTotalBytes = t.int("max_total_bytes", 0) ?? DEFAULT_MAX_TOTAL_BYTES;
  // Era-A shorthands (`session_usage`, `debug`, `tui` booleans) still switch their log; a per-log
  // `enabled` wins over them.
  const shorthand: Record<KnownLogName, boolean | undefined> = {
    debug: t.bool("debug"),
    session: t.bool("session_usage"),
    tui: t.bool("tui"),
  };
  const defaults: Record<KnownLogName, string | undefined> = {
    debug: undefined,
    session: SESSION_LOG_FILE,
    tui: TUI_LOG_FILE,
  };
  const logsTable = t.table("logs");
  const names = new Set<string>(["debug", "session", "tui", ...Object.keys(logsTable.data)]);
  const logs: Record<string, TelemetryLog> = {};
  for (const name of names) {
    if (name === "debug" || name === "session" || name === "tui") {
      const entry = logsTable.table(name);
      const file = entry.string("file") ?? defaults[name];
      logs[name] = {
        enabled: entry.bool("enabled") ?? shorthand[name] ?? true,
        path: file === undefined ? undefined : resolve(dir, expandHome(file, env)),
        table: { ...entry.data },
      };
      continue;
    }
    // Unknown logs belong to other tools: kept as written, never an error. Only a string `file` matters
    // here (pruning leaves it alone unless `enabled = false`).
    const entry = logsTable.data[name];
    if (!isTable(entry)) continue;
    const file = typeof entry["file"] === "string" && entry["file"].trim() ? entry["file"] : undefined;
    logs[name] = {
      enabled: entry["enabled"] !== false,
      path: file === undefined ? undefined : resolve(dir, expandHome(file, env)),
      table: { ...entry },
    };
  }
  return { enabled, dir, maxTotalBytes, logs: logs as TelemetryConfig["logs"] };
}

/** Every file a configured, enabled log writes to: pruning never deletes these. */
export function activeLogPaths(config: TelemetryConfig, debugPath?: string): string[] {
  const paths = Object.values(config.logs)
    .filter((log) => log.enabled && log.path !== undefined)
    .map((log) => log.path as string);
  if (debugPath) paths.push(debugPath);
  return [...new Set(paths)];
}

/**
 * `YYYYMMDD-HHMMSS-<pid>-<suffix>.log` in local time: the original's per-launch name, plus the process id and
 * a random suffix, so runs started in the same second (or in two containers sharing a home, where pids
 * repeat) never share a file.
 */
export function debugLogName(when: Date, pid = process.pid, suffix = randomSuffix()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const date = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}`;
  return `${date}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}-${pid}-${suffix}.log`;
}

function randomSuffix(): string {
  return Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0");
}

function expandHome(path: string, env: Env): string {
  return path === "~" || path.startsWith("~/") ? join(homeDir(env), path.slice(1)) : path;
}

/** `dir` is relative to CODEX_HOME unless absolute (or `~/…`). */
function resolveDir(dir: string, codexHome: string, env: Env): string {
  const expanded = expandHome(dir, env);
  return isAbsolute(expanded) ? expanded : resolve(codexHome, expanded);
}
