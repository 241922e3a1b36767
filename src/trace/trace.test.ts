import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { writeSession } from "../../test/helpers/rollouts.ts";
import { UserError } from "../util/errors.ts";
import { localTime, runTrace, type TraceOptions, traceHome } from "./index.ts";
import { formatDuration } from "./summary.ts";

const A = "019a44bc-39c3-7159-bb96-ecb9c5a1de11";
const B = "019a44bc-77aa-7000-8000-000000000002";
const C = "019b0000-0000-7000-8000-000000000003";

let home: string;
let paths: Record<string, string>;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "trace-home-"));
  paths = {
    // B was created last but A was written to (resumed) most recently.
    A: writeSession(home, { id: A, start: new Date(2025, 10, 2, 12, 0, 0), mtime: new Date(2025, 10, 4) }),
    B: writeSession(home, { id: B, start: new Date(2025, 10, 3, 9, 30, 0), model: "other-model" }),
    C: writeSession(home, {
      id: C,
      start: new Date(2025, 9, 1, 8, 0, 0),
      extraLines: ['{"timestamp":"2025-10-01T08:00:30.000Z","type":"event_msg","payl', "not json", "[1,2]"],
    }),
  };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function run(options: Omit<TraceOptions, "home"> & { home?: string }, env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = runTrace(
    { home, ...options },
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: "/nonexistent", ...env } },
  );
  return { code, stdout, stderr };
}

describe("trace list", () => {
  test("newest first by last write, with id, local start time, model, directory, first prompt and path", () => {
    const r = run({ command: "list" });
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines[0], `Sessions under ${home}:`);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(" | ")[0]),
      [`- ${A}`, `- ${B}`, `- ${C}`],
    );
    assert.equal(
      lines[2],
      `- ${B} | 2025-11-03 09:30:00 | other-model | /work/project | create hello.txt\\nthen fix it | ${paths.B.slice(home.length + 1)}`,
    );
  });

  test("--limit and --json", () => {
    const r = run({ command: "list", limit: "2", json: true });
    const entries = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      entries.map((e) => [e.id, e.model, e.model_provider, e.cwd, e.path]),
      [
        [A, "sim-model", "litellm", "/work/project", paths.A],
        [B, "other-model", "litellm", "/work/project", paths.B],
      ],
    );
    assert.throws(
      () => run({ command: "list", limit: "0" }),
      (e: unknown) => e instanceof UserError && e.exitCode === 2,
    );
  });

  test("an empty home says so", () => {
    const empty = mkdtempSync(join(tmpdir(), "trace-empty-"));
    try {
      assert.equal(run({ command: "list", home: empty }).stdout, `No sessions under ${empty}.\n`);
      assert.equal(run({ command: "list", home: empty, json: true }).stdout, "");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("home: --home, else CODEX_TRACE_HOME, else CODEX_HOME", () => {
    assert.equal(traceHome("/x", { CODEX_TRACE_HOME: "/y", CODEX_HOME: "/z" }), "/x");
    assert.equal(traceHome(undefined, { CODEX_TRACE_HOME: "/y", CODEX_HOME: "/z" }), "/y");
    assert.equal(traceHome(undefined, { CODEX_HOME: "/z" }), "/z");
    assert.equal(traceHome(undefined, { HOME: "/h" }), "/h/.codex");
    const viaEnv = run({ command: "list", home: undefined }, { CODEX_TRACE_HOME: home });
    assert.match(viaEnv.stdout, new RegExp(`^Sessions under ${home}:`));
  });
});

describe("trace events", () => {
  test("every record as `timestamp label preview`, newlines escaped", () => {
    const r = run({ command: "events", session: A });
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 16);
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z session_meta {20}/);
    assert.ok(lines[0].includes(`${A} sim-model /work/project`));
    assert.ok(
      lines[3].includes("event_msg/user_message") && lines[3].endsWith("create hello.txt\\nthen fix it"),
    );
    assert.match(lines[7], / response_item\/function_call {6}shell\(\{"command":\["ls"\]\}\)$/);
    assert.ok(lines[8].endsWith("total 120 (last 120)"));
    assert.equal(r.stderr, "");
  });

  test("a session is found by any unique prefix, or by path", () => {
    assert.equal(run({ command: "events", session: "019b" }).stdout.split("\n").length - 1, 16);
    assert.equal(run({ command: "events", session: A.toUpperCase().slice(0, 16) }).code, 0);
    assert.match(run({ command: "events", session: paths.B }).stdout, /other-model/);
  });

  test("ambiguous, unknown and missing sessions are clear errors (exit 1)", () => {
    const fails = (session: string | undefined, message: RegExp, exitCode = 1) =>
      assert.throws(
        () => run({ command: "events", session }),
        (e: unknown) => e instanceof UserError && message.test(e.message) && e.exitCode === exitCode,
      );
    fails("019a44bc", /ambiguous: it matches 2 sessions/);
    fails("ffff", /no session with id `ffff`/);
    fails("/no/such/file.jsonl", /no session file at \/no\/such\/file\.jsonl/);
    fails(undefined, /--session ID\|PATH is required/, 2);
  });

  test("--types matches record types, payload types or both; --contains is case-insensitive", () => {
    const label = (out: string) =>
      out
        .trimEnd()
        .split("\n")
        .map((l) => l.split(/\s+/)[1]);
    assert.deepEqual(
      label(run({ command: "events", session: A, types: "token_count,session_meta" }).stdout),
      ["session_meta", "event_msg/token_count", "event_msg/token_count"],
    );
    assert.equal(label(run({ command: "events", session: A, types: "response_item" }).stdout).length, 7);
    assert.deepEqual(label(run({ command: "events", session: A, types: "response_item/message" }).stdout), [
      "response_item/message",
      "response_item/message",
    ]);
    assert.deepEqual(
      label(run({ command: "events", session: A, contains: "HELLO.TXT", types: "event_msg" }).stdout),
      ["event_msg/user_message", "event_msg/agent_message", "event_msg/task_complete"],
    );
    const none = run({ command: "events", session: A, contains: "zebra" });
    assert.equal(none.stdout, "");
    assert.equal(none.stderr, "No matching events.\n");
  });

  test("--json prints the matching records exactly as stored; --width cuts previews", () => {
    const r = run({ command: "events", session: A, types: "function_call", json: true });
    const records = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      records.map((x) => [x.type, x.payload.name]),
      [
        ["response_item", "shell"],
        ["response_item", "apply_patch"],
      ],
    );
    const narrow = run({ command: "events", session: A, types: "user_message", width: 10 });
    assert.ok(narrow.stdout.trimEnd().endsWith(" create he…"), narrow.stdout);
  });

  test("damaged lines are skipped with a count on stderr", () => {
    const r = run({ command: "events", session: C });
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trimEnd().split("\n").length, 16);
    assert.equal(r.stderr, `warning: skipped 3 damaged lines in ${paths.C}\n`);
  });
});

describe("trace summary", () => {
  test("turns, tool calls, tokens from token_count events, duration, model", () => {
    const r = run({ command: "summary", session: "019a44bc-39", json: true });
    const s = JSON.parse(r.stdout);
    assert.equal(s.session_id, A);
    assert.equal(s.path, paths.A);
    assert.equal(s.model, "sim-model");
    assert.equal(s.model_provider, "litellm");
    assert.equal(s.turns, 1);
    assert.equal(s.tool_calls, 2);
    assert.deepEqual(s.tool_calls_by_name, { shell: 1, apply_patch: 1 });
    assert.equal(s.responses_with_usage, 2);
    assert.deepEqual(s.tokens, {
      input_tokens: 350,
      cached_input_tokens: 0,
      output_tokens: 50,
      reasoning_output_tokens: 5,
      total_tokens: 400,
    });
    assert.equal(s.duration_ms, 15_000);
    assert.equal(s.assistant_replies, 1);
    assert.equal(s.reasoning_events, 1);
    assert.equal(s.damaged_lines, 0);
    assert.deepEqual(s.record_types, { session_meta: 1, turn_context: 1, event_msg: 7, response_item: 7 });
  });

  test("human output; damaged lines counted in the summary", () => {
    const r = run({ command: "summary", session: C });
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines[0], `Session ${C}`);
    assert.ok(lines.includes("  model: sim-model (provider litellm)"));
    assert.ok(
      lines.includes(`  started: ${localTime(new Date(2025, 9, 1, 8, 0, 0).toISOString())}   duration: 15s`),
    );
    assert.ok(lines.includes("  turns: 1   tool calls: 2 (apply_patch 1, shell 1)"));
    assert.ok(
      lines.includes("  tokens: 400 total (input 350, cached 0, output 50, reasoning 5) over 2 responses"),
    );
    assert.equal(lines.at(-1), "  damaged lines skipped: 3");
    assert.equal(r.stderr, "");
  });

  test("totals only (no last_token_usage) and turns from turn_context for older writers", () => {
    const id = "019c0000-0000-7000-8000-000000000004";
    const total = (n: number) => ({
      type: "event_msg",
      payload: {
        type: "token_count",
        info: { total_token_usage: { input_tokens: n, output_tokens: 1, total_tokens: n + 1 } },
      },
    });
    writeSession(home, {
      id,
      start: new Date(2025, 0, 1),
      records: [
        { type: "session_meta", payload: { id, model_provider: "litellm" } },
        { type: "turn_context", payload: { model: "m1" } },
        total(10),
        { type: "turn_context", payload: { model: "m2" } },
        total(30),
        { type: "event_msg", payload: { type: "token_count", info: null } },
      ],
    });
    const s = JSON.parse(run({ command: "summary", session: "019c", json: true }).stdout);
    assert.equal(s.turns, 2);
    assert.equal(s.model, "m2");
    assert.equal(s.tokens.total_tokens, 31);
    assert.equal(s.responses_with_usage, 2);
  });

  test("formatDuration", () => {
    assert.deepEqual([0, 14_600, 83_000, 3_723_000].map(formatDuration), ["0s", "15s", "1m 23s", "1h 2m 3s"]);
  });
});

describe("trace output of sessions written before redaction and sanitising", () => {
  const KEY = "abc123secretvalue";
  const D = "019c0000-0000-7000-8000-000000000004";
  const records = [
    { type: "session_meta", payload: { id: D, model: "m\x1b]0;title\x07", cwd: "/w" } },
    {
      type: "event_msg",
      payload: { type: "error", message: `Received API Key = ${KEY}, clipboard \x1b]52;c;eA==\x07 \x9b2J` },
    },
  ];

  for (const [command, json] of [
    ["events", false],
    ["events", true],
    ["summary", false],
    ["list", false],
  ] as const) {
    test(`${command}${json ? " --json" : ""}: no key, no terminal controls`, () => {
      writeSession(home, { id: D, start: new Date(2025, 11, 1), records });
      const r = run({ command, session: D, json }, { LITELLM_API_KEY: KEY });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes(KEY), r.stdout);
      assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, JSON.stringify(r.stdout));
      if (json) for (const line of r.stdout.trim().split("\n")) JSON.parse(line);
    });
  }
});
