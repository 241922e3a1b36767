import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "../config/types.ts";
import {
  activeLogPaths,
  DEFAULT_MAX_TOTAL_BYTES,
  debugLogName,
  resolveTelemetryConfig,
  SESSION_LOG_FILE,
  TUI_LOG_FILE,
} from "./config.ts";

const HOME = "/home/u/.codex";
const resolveRaw = (telemetry?: unknown) =>
  resolveTelemetryConfig(
    { codexHome: HOME, raw: telemetry === undefined ? {} : { telemetry } },
    { HOME: "/home/u" },
  );

describe("resolveTelemetryConfig", () => {
  test("defaults: enabled, CODEX_HOME/logs, 100 MiB, the three known logs", () => {
    const c = resolveRaw();
    assert.equal(c.enabled, true);
    assert.equal(c.dir, `${HOME}/logs`);
    assert.equal(c.maxTotalBytes, DEFAULT_MAX_TOTAL_BYTES);
    assert.equal(DEFAULT_MAX_TOTAL_BYTES, 104857600);
    assert.deepEqual(c.logs.debug, { enabled: true, path: undefined, table: {} });
    assert.deepEqual(c.logs.session, { enabled: true, path: `${HOME}/logs/${SESSION_LOG_FILE}`, table: {} });
    assert.deepEqual(c.logs.tui, { enabled: true, path: `${HOME}/logs/${TUI_LOG_FILE}`, table: {} });
  });

  test("the seed document's example table", () => {
    const c = resolveRaw({
      enabled: true,
      dir: "logs",
      max_total_bytes: 104857600,
      logs: {
        tui: { file: "codex-tui.log" },
        debug: { enabled: true },
        session: { file: "codex-litellm-session.jsonl" },
      },
    });
    assert.equal(c.logs.tui.path, `${HOME}/logs/codex-tui.log`);
    assert.equal(c.logs.debug.path, undefined);
    assert.equal(c.logs.session.path, `${HOME}/logs/codex-litellm-session.jsonl`);
  });

  test("dir relative to CODEX_HOME, absolute, or under ~; files relative to dir or absolute", () => {
    assert.equal(resolveRaw({ dir: "telemetry/x" }).dir, `${HOME}/telemetry/x`);
    assert.equal(resolveRaw({ dir: "/var/log/codex" }).dir, "/var/log/codex");
    assert.equal(resolveRaw({ dir: "~/logs" }).dir, "/home/u/logs");
    const c = resolveRaw({ logs: { debug: { file: "debug.log" }, session: { file: "/tmp/s.jsonl" } } });
    assert.equal(c.logs.debug.path, `${HOME}/logs/debug.log`);
    assert.equal(c.logs.session.path, "/tmp/s.jsonl");
  });

  test("enabled = false, per-log enabled, max_total_bytes = 0, era-A shorthands", () => {
    assert.equal(resolveRaw({ enabled: false }).enabled, false);
    assert.equal(resolveRaw({ max_total_bytes: 0 }).maxTotalBytes, 0);
    const c = resolveRaw({ logs: { debug: { enabled: false } } });
    assert.equal(c.logs.debug.enabled, false);
    assert.equal(c.logs.session.enabled, true);
    const legacy = resolveRaw({ session_usage: false, debug: false, logs: { debug: { enabled: true } } });
    assert.equal(legacy.logs.session.enabled, false);
    assert.equal(legacy.logs.debug.enabled, true, "the per-log table wins over the shorthand");
  });

  test("unknown log tables are kept as written and never an error", () => {
    const c = resolveRaw({
      logs: {
        "tui-view": { file: "codex-tui-stream.jsonl", scope: ["history"], enabled: "maybe" },
        mine: { level: 3 },
        odd: 42,
      },
    });
    assert.equal(c.logs["tui-view"].path, `${HOME}/logs/codex-tui-stream.jsonl`);
    assert.deepEqual(c.logs["tui-view"].table, {
      file: "codex-tui-stream.jsonl",
      scope: ["history"],
      enabled: "maybe",
    });
    assert.equal(c.logs["tui-view"].enabled, true);
    assert.deepEqual(c.logs.mine, { enabled: true, path: undefined, table: { level: 3 } });
    assert.equal(c.logs.odd, undefined);
  });

  test("wrong types name the dotted key", () => {
    const cases: [unknown, RegExp][] = [
      [{ enabled: "yes" }, /`telemetry\.enabled`: expected true or false, got the string "yes"/],
      [{ dir: 3 }, /`telemetry\.dir`: expected a string/],
      [{ max_total_bytes: -1 }, /`telemetry\.max_total_bytes`: expected a non-negative integer/],
      [{ max_total_bytes: "100MB" }, /`telemetry\.max_total_bytes`/],
      [{ logs: [] }, /`telemetry\.logs`: expected a table/],
      [{ logs: { debug: { enabled: 1 } } }, /`telemetry\.logs\.debug\.enabled`: expected true or false/],
      [{ logs: { session: { file: false } } }, /`telemetry\.logs\.session\.file`: expected a string/],
      [{ logs: { tui: "codex-tui.log" } }, /`telemetry\.logs\.tui`: expected a table/],
      ["on", /`telemetry`: expected a table/],
    ];
    for (const [telemetry, message] of cases) {
      assert.throws(
        () => resolveRaw(telemetry),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    }
  });

  test("activeLogPaths: enabled logs with a file, plus this launch's debug log", () => {
    const c = resolveRaw({ logs: { tui: { enabled: false }, extra: { file: "extra.log" } } });
    assert.deepEqual(activeLogPaths(c, `${HOME}/logs/20250101-000000.log`).sort(), [
      `${HOME}/logs/20250101-000000.log`,
      `${HOME}/logs/${SESSION_LOG_FILE}`,
      `${HOME}/logs/extra.log`,
    ]);
  });

  test("debugLogName is YYYYMMDD-HHMMSS-<pid>-<suffix>.log in local time, one per run", () => {
    assert.equal(
      debugLogName(new Date(2025, 10, 2, 12, 53, 42), 4242, "a1b2"),
      "20251102-125342-4242-a1b2.log",
    );
    assert.equal(debugLogName(new Date(2025, 0, 5, 1, 2, 3), 7, "zz00"), "20250105-010203-7-zz00.log");
    const when = new Date(2025, 0, 5, 1, 2, 3);
    assert.match(debugLogName(when), new RegExp(`^20250105-010203-${process.pid}-[0-9a-z]{4}\\.log$`));
    // Two runs of the same second (even with the same pid, in two containers) get two files.
    const names = new Set(Array.from({ length: 20 }, () => debugLogName(when)));
    assert.ok(names.size > 1);
  });
});
