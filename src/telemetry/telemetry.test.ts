// startTelemetry end to end over real files: names, modes, fields, sums, redaction, volume, failures.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { ProviderConfig } from "../config/types.ts";
import type { AgentEvent } from "../protocol/events.ts";
import type { Usage } from "../protocol/model.ts";
import { CHUNK_SAMPLE } from "./debug-log.ts";
import { type StartTelemetryOptions, startTelemetry } from "./index.ts";

const API_KEY = "sk-telemetry-test-0123456789";
const ENV_SECRET = "env-secret-value-abcdef";
const NOW = new Date(2025, 10, 2, 12, 53, 42);

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "telemetry-home-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function options(
  telemetry: Record<string, unknown> | undefined,
  warnings: string[] = [],
): StartTelemetryOptions {
  return {
    config: {
      codexHome: home,
      raw: telemetry ? { telemetry } : {},
      provider: {
        apiKey: API_KEY,
        httpHeaders: { "x-team-token": "team-token-123456" },
      } as unknown as ProviderConfig,
      model: "cfg-model",
      reasoningEffort: "medium",
    },
    env: { LITELLM_API_KEY: API_KEY, SERVICE_SECRET: ENV_SECRET, PATH: "/usr/bin" },
    warn: (m) => warnings.push(m),
    now: () => NOW,
  };
}

const usage = (p: number, c: number, r = 0): Usage => ({
  input_tokens: p,
  cached_input_tokens: 0,
  output_tokens: c,
  reasoning_output_tokens: r,
  total_tokens: p + c,
});

const configured: AgentEvent = {
  type: "session_configured",
  session: {
    sessionId: "019a44bc-39c3-7159-bb96-ecb9c5a1de11",
    version: "0.1.0",
    cwd: "/work",
    model: "cfg-model",
    provider: "litellm",
    baseUrl: "http://gw/v1",
    approvalPolicy: "never",
    sandbox: "workspace-write",
    reasoningEffort: "medium",
  },
};

/** One exchange as the gateway client and the agent report it: request, headers, chunks, usage. */
function exchange(
  t: Awaited<ReturnType<typeof startTelemetry>>,
  model: string,
  u: Usage,
  cost?: string,
): void {
  t.onWire?.({
    kind: "request",
    url: "http://gw/v1/chat/completions",
    model,
    stream: true,
    bytes: 512,
    attempt: 1,
  });
  t.onWire?.({
    kind: "response",
    status: 200,
    headers: { authorization: `Bearer ${API_KEY}`, ...(cost ? { "x-litellm-response-cost": cost } : {}) },
  });
  t.onWire?.({ kind: "chunk", data: `{"choices":[{"delta":{"content":"key is ${API_KEY}"}}]}` });
  t.onEvent({ type: "agent_message_delta", delta: "hello" });
  t.onEvent({ type: "agent_message_delta", delta: " world" });
  t.onWire?.({ kind: "chunk", data: "[DONE]" });
  t.onEvent({ type: "token_count", last: u, total: u });
}

const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("startTelemetry", () => {
  test("writes the debug log and the session usage log, 0600 in a 0700 dir, with secrets redacted", async () => {
    const warnings: string[] = [];
    const t = await startTelemetry(options(undefined, warnings));
    const dir = join(home, "logs");
    const debugPath = t.files.debug as string;
    assert.match(basename(debugPath), new RegExp(`^20251102-125342-${process.pid}-[0-9a-z]{4}\\.log$`));
    assert.equal(dirname(debugPath), dir);
    const sessionPath = join(dir, "codex-litellm-session.jsonl");
    assert.equal(t.announcement, `telemetry: recording debug events to ${debugPath}`);
    assert.deepEqual(t.files, { dir, debug: debugPath, session: sessionPath });

    t.onEvent(configured);
    t.onEvent({ type: "turn_started", prompt: `use ${ENV_SECRET} and team-token-123456` });
    exchange(t, "model-a", usage(100, 20, 4), "0.0015");
    t.onWire?.({ kind: "retry", attempt: 1, reason: "HTTP 503", delayMs: 200 });
    t.onWire?.({ kind: "fallback", model: "model-b", reason: "stream broke" });
    exchange(t, "model-b", usage(300, 30));
    t.onEvent({ type: "exec_command_begin", callId: "c1", command: ["ls"], cwd: "/work" });
    t.onEvent({ type: "exec_command_output_delta", callId: "c1", chunk: "a\n" });
    t.onEvent({
      type: "exec_command_end",
      callId: "c1",
      command: ["ls"],
      exitCode: 0,
      output: "a\n",
      durationMs: 5,
      status: "completed",
    });
    t.onEvent({ type: "turn_complete", lastMessage: "done", usage: usage(400, 50, 4) });
    t.note("custom.note", { stack: `Error at x (key ${API_KEY})` });
    await t.close();
    await t.close();

    assert.deepEqual(warnings, []);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(debugPath).mode & 0o777, 0o600);
    assert.equal(statSync(sessionPath).mode & 0o777, 0o600);

    const session = lines(sessionPath);
    assert.deepEqual(session, [
      {
        ts: NOW.toISOString(),
        session_id: configured.type === "session_configured" ? configured.session.sessionId : "",
        model: "model-a",
        reasoning_effort: "medium",
        prompt_tokens: 100,
        completion_tokens: 20,
        reasoning_tokens: 4,
        total_tokens: 120,
        response_cost: 0.0015,
      },
      {
        ts: NOW.toISOString(),
        session_id: "019a44bc-39c3-7159-bb96-ecb9c5a1de11",
        model: "model-b",
        reasoning_effort: "medium",
        prompt_tokens: 300,
        completion_tokens: 30,
        reasoning_tokens: 0,
        total_tokens: 330,
      },
    ]);
    const summary = t.usageSummary();
    assert.equal(summary.turns, 2);
    assert.equal(summary.totalTokens, 450);
    assert.equal(summary.cost, 0.0015);
    assert.equal(
      t.usageLines()[0],
      "LiteLLM usage: 450 tokens across 2 turns (last model model-b • last effort medium) • $0.0015",
    );

    const text = readFileSync(debugPath, "utf8");
    for (const secret of [API_KEY, ENV_SECRET, "team-token-123456"])
      assert.ok(!text.includes(secret), secret);
    const debug = lines(debugPath);
    const kinds = debug.map((l) => l.kind);
    assert.deepEqual(kinds.slice(0, 4), [
      "telemetry.start",
      "agent.session_configured",
      "agent.turn_started",
      "wire.request",
    ]);
    for (const kind of [
      "wire.response",
      "wire.chunk",
      "wire.stream_end",
      "wire.retry",
      "wire.fallback",
      "agent.deltas",
    ])
      assert.ok(kinds.includes(kind), kind);
    assert.ok(kinds.includes("agent.exec_command_end") && kinds.includes("agent.token_count"));
    assert.equal(kinds.at(-1), "telemetry.stop");
    const request = debug.find((l) => l.kind === "wire.request");
    assert.deepEqual(
      { method: request.method, url: request.url, model: request.model, bytes: request.bytes },
      { method: "POST", url: "http://gw/v1/chat/completions", model: "model-a", bytes: 512 },
    );
    assert.equal(debug.find((l) => l.kind === "wire.response").headers.authorization, "[REDACTED]");
    assert.deepEqual(
      debug.filter((l) => l.kind === "agent.deltas").map((l) => [l.message_deltas, l.output_deltas]),
      [
        [2, undefined],
        [2, undefined],
        [undefined, 1],
      ],
    );
    assert.deepEqual(
      debug.filter((l) => l.kind === "wire.stream_end").map((l) => l.chunks),
      [2, 2],
    );
    for (const l of debug) assert.match(l.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test("a 77k-chunk stream costs a handful of lines and little time", async () => {
    const t = await startTelemetry(options({ logs: { session: { enabled: false } } }));
    t.onWire?.({
      kind: "request",
      url: "http://gw/v1/chat/completions",
      model: "m",
      stream: true,
      bytes: 1,
      attempt: 1,
    });
    const chunk = '{"id":"x","choices":[{"index":0,"delta":{"content":"tok"}}]}';
    const started = performance.now();
    for (let i = 0; i < 77_000; i++) {
      t.onWire?.({ kind: "chunk", data: chunk });
      t.onEvent({ type: "agent_message_delta", delta: "tok" });
    }
    const elapsed = performance.now() - started;
    t.onEvent({ type: "token_count", last: usage(1, 77_000), total: usage(1, 77_000) });
    await t.close();
    const debug = lines(t.files.debug as string);
    assert.equal(debug.filter((l) => l.kind === "wire.chunk").length, CHUNK_SAMPLE);
    const end = debug.find((l) => l.kind === "wire.stream_end");
    assert.equal(end.chunks, 77_000);
    assert.equal(end.bytes, 77_000 * chunk.length);
    assert.equal(end.last_chunk, chunk);
    assert.equal(debug.find((l) => l.kind === "agent.deltas").message_deltas, 77_000);
    assert.ok(debug.length < 20, `${debug.length} lines`);
    assert.ok(elapsed < 500, `${elapsed.toFixed(0)} ms for 77k chunks`);
    assert.ok(!existsSync(join(home, "logs", "codex-litellm-session.jsonl")), "disabled log: no file");
  });

  test("enabled = false: no directory, no files, usage still aggregated in memory", async () => {
    const t = await startTelemetry(options({ enabled: false }));
    t.onEvent(configured);
    exchange(t, "m", usage(5, 5));
    await t.close();
    assert.equal(t.announcement, undefined);
    assert.equal(t.onWire, undefined, "the gateway keeps its no-wire-log fast path");
    assert.deepEqual(t.files, { dir: undefined, debug: undefined, session: undefined });
    assert.deepEqual(readdirSync(home), []);
    assert.equal(t.usageSummary().totalTokens, 10);
  });

  test("a file where the directory should be: one warning, no throw, no files, usage still works", async () => {
    writeFileSync(join(home, "logs"), "not a directory");
    const warnings: string[] = [];
    const t = await startTelemetry(options(undefined, warnings));
    t.onEvent(configured);
    exchange(t, "m", usage(5, 5));
    exchange(t, "m", usage(5, 5));
    await t.close();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^telemetry: cannot use .*\/logs \(.*\); telemetry logs are off for this run$/);
    assert.equal(t.announcement, undefined);
    assert.equal(t.usageSummary().turns, 2);
  });

  test("a full disk: one warning for that log, the run and the other log go on", {
    skip: !existsSync("/dev/full"),
  }, async () => {
    const warnings: string[] = [];
    const t = await startTelemetry(options({ logs: { session: { file: "/dev/full" } } }, warnings));
    t.onEvent(configured);
    for (let i = 0; i < 5; i++) {
      exchange(t, "m", usage(5, 5));
      await new Promise((r) => setTimeout(r, 5));
    }
    await t.close();
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /^telemetry: cannot write \/dev\/full \(ENOSPC/);
    assert.ok(lines(t.files.debug as string).length > 5, "the debug log still works");
    assert.equal(t.usageSummary().turns, 5);
  });

  test("start-up pruning removes old logs and keeps active ones", async () => {
    const dir = join(home, "logs");
    mkdirSync(dir);
    const old = (name: string, size: number, ageSec: number) => {
      writeFileSync(join(dir, name), Buffer.alloc(size));
      const when = new Date(Date.now() - ageSec * 1000);
      utimesSync(join(dir, name), when, when);
    };
    old("codex-litellm-session.jsonl", 600, 9000);
    old("20240101-000000.log", 500, 8000);
    old("20240102-000000.log", 300, 7000);
    old("20240103-000000.log", 100, 6000);
    const t = await startTelemetry(options({ max_total_bytes: 900 }));
    await t.close();
    assert.deepEqual(readdirSync(dir).sort(), [
      "20240103-000000.log",
      basename(t.files.debug as string),
      "codex-litellm-session.jsonl",
    ]);
    const pruned = lines(t.files.debug as string).find((l) => l.kind === "telemetry.pruned");
    assert.equal(pruned.deleted.length, 2);
    assert.equal(pruned.bytes_before, 1500);
  });

  test("a wrongly typed key is a ConfigError even when telemetry is disabled", async () => {
    await assert.rejects(
      startTelemetry(options({ enabled: false, max_total_bytes: "lots" })),
      /telemetry\.max_total_bytes/,
    );
    assert.deepEqual(readdirSync(home), []);
  });

  test("buffered lines reach the file when the process exits without close()", () => {
    const script = join(home, "exit.mts");
    const index = fileURLToPath(new URL("./index.ts", import.meta.url));
    writeFileSync(
      script,
      `import { startTelemetry } from ${JSON.stringify(index)};
const t = await startTelemetry({
  config: { codexHome: ${JSON.stringify(home)}, raw: {}, provider: { httpHeaders: {} }, model: "m" },
  warn: (m) => console.error(m),
});
for (let i = 0; i < 3; i++) t.note("exit.test", { i });
process.exit(0);
`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const debug = readdirSync(join(home, "logs")).find((n) => n.endsWith(".log")) as string;
    const written = lines(join(home, "logs", debug)).filter((l) => l.kind === "exit.test");
    assert.deepEqual(
      written.map((l) => l.i),
      [0, 1, 2],
    );
  });
});
