// `codex-litellm trace` through the built CLI, over rollout files written in the SPEC §6 layout by the test
// itself, and over a session a real `exec` run recorded.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { e2e } from "../helpers/e2e.ts";
import { writeSession } from "../helpers/rollouts.ts";
import { createWorkspace } from "../helpers/workspace.ts";
import { loadScenario, scenariosDir } from "../simulator/index.ts";

const A = "019a44bc-39c3-7159-bb96-ecb9c5a1de11";
const B = "019a44bc-77aa-7000-8000-000000000002";

/** A home with two sessions (B the most recently written) and one with a damaged line. */
function fixtureHome() {
  const ws = createWorkspace({ git: false });
  writeSession(ws.home, { id: A, start: new Date(2025, 10, 2, 12, 0, 0) });
  writeSession(ws.home, {
    id: B,
    start: new Date(2025, 10, 3, 9, 0, 0),
    model: "other-model",
    extraLines: ["{oops"],
  });
  return ws;
}

describe("trace over stored sessions", () => {
  test("list: newest first, --limit, --json, and --home or CODEX_TRACE_HOME", async () => {
    const ws = fixtureHome();
    try {
      const r = await runCli(["trace", "list", "--home", ws.home], { cwd: ws.dir });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split("\n");
      assert.equal(lines[0], `Sessions under ${ws.home}:`);
      assert.match(
        lines[1],
        new RegExp(
          `^- ${B} \\| 2025-11-03 09:00:00 \\| other-model \\| /work/project \\| create hello.txt\\\\nthen fix it \\| sessions/2025/11/03/rollout-`,
        ),
      );
      assert.match(lines[2], new RegExp(`^- ${A} \\| `));
      const json = await runCli(["trace", "list", "--json", "--limit", "1"], {
        cwd: ws.dir,
        env: { CODEX_TRACE_HOME: ws.home },
      });
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(
        json.stdout
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l).id),
        [B],
      );
    } finally {
      ws.cleanup();
    }
  });

  test("events: a unique prefix, --types and --contains filters, --json, damaged lines counted", async () => {
    const ws = fixtureHome();
    try {
      const run = (...args: string[]) =>
        runCli(["trace", "events", "--home", ws.home, ...args], { cwd: ws.dir });
      const tokens = await run("--session", "019a44bc-3", "--types", "token_count");
      assert.equal(tokens.code, 0, tokens.stderr);
      assert.deepEqual(
        tokens.stdout
          .trimEnd()
          .split("\n")
          .map((l) => l.split(/\s+/).slice(1).join(" ")),
        ["event_msg/token_count total 120 (last 120)", "event_msg/token_count total 400 (last 280)"],
      );
      const calls = await run(
        "--session",
        A,
        "--types",
        "function_call",
        "--contains",
        "APPLY_PATCH",
        "--json",
      );
      assert.deepEqual(
        calls.stdout
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l).payload.name),
        ["apply_patch"],
      );
      const damaged = await run("--session", B.slice(0, 12));
      assert.equal(damaged.code, 0);
      assert.match(damaged.stderr, /^warning: skipped 1 damaged line in .*rollout-.*\.jsonl\n$/);
    } finally {
      ws.cleanup();
    }
  });

  test("summary: numbers as text and JSON", async () => {
    const ws = fixtureHome();
    try {
      const human = await runCli(["trace", "summary", "--home", ws.home, "--session", A.slice(0, 10)], {
        cwd: ws.dir,
      });
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, new RegExp(`^Session ${A}\n`));
      assert.match(human.stdout, /\n {2}turns: 1 {3}tool calls: 2 \(apply_patch 1, shell 1\)\n/);
      assert.match(
        human.stdout,
        /\n {2}tokens: 400 total \(input 350, cached 0, output 50, reasoning 5\) over 2 responses\n/,
      );
      const json = await runCli(["trace", "--json", "summary", "--home", ws.home, "--session", A], {
        cwd: ws.dir,
      });
      const s = JSON.parse(json.stdout);
      assert.deepEqual(
        [s.turns, s.tool_calls, s.tokens.total_tokens, s.duration_ms, s.model],
        [1, 2, 400, 15000, "sim-model"],
      );
      // The id as an operand, as `resume` takes it; `--session` too, but not two different ones.
      const operand = await runCli(["trace", "summary", A.slice(0, 10), "--home", ws.home], { cwd: ws.dir });
      assert.equal(operand.code, 0, operand.stderr);
      assert.equal(operand.stdout, human.stdout);
      const events = await runCli(["trace", "events", A, "--home", ws.home], { cwd: ws.dir });
      assert.equal(events.code, 0, events.stderr);
      const both = await runCli(["trace", "summary", A, "--session", B, "--home", ws.home], { cwd: ws.dir });
      assert.equal(both.code, 2);
    } finally {
      ws.cleanup();
    }
  });

  test("ambiguous or unknown ids exit 1 with one line; a missing --session exits 2", async () => {
    const ws = fixtureHome();
    try {
      const run = (...args: string[]) => runCli(["trace", ...args, "--home", ws.home], { cwd: ws.dir });
      const ambiguous = await run("summary", "--session", "019a44bc");
      assert.equal(ambiguous.code, 1);
      assert.match(
        ambiguous.stderr,
        /^Error: session id prefix `019a44bc` is ambiguous: it matches 2 sessions/,
      );
      assert.equal(ambiguous.stderr.trim().split("\n").length, 1);
      const unknown = await run("events", "--session", "ffff");
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^Error: no session with id `ffff`/);
      const missing = await run("events");
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^Error: --session ID\|PATH is required/);
    } finally {
      ws.cleanup();
    }
  });
});

test("trace reads the session a real exec run recorded", async () => {
  const t = await e2e(loadScenario(join(scenariosDir, "hello.json")));
  try {
    const r = await t.run(["exec", "--json", "-m", "sim-model", "create hello.txt, then fix the typo in it"]);
    assert.equal(r.code, 0, r.stderr);
    const started = JSON.parse(r.stdout.split("\n")[0]);
    const completed = JSON.parse(r.stdout.trimEnd().split("\n").at(-1) as string);
    const list = await t.run(["trace", "list", "--json"], { env: { CODEX_TRACE_HOME: t.ws.home } });
    assert.equal(JSON.parse(list.stdout).id, started.thread_id);
    const summary = await t.run(["trace", "summary", "--json", "--session", started.thread_id.slice(0, 13)]);
    assert.equal(summary.code, 0, summary.stderr);
    const s = JSON.parse(summary.stdout);
    assert.equal(s.model, "sim-model");
    assert.equal(s.turns, 1);
    assert.equal(s.tool_calls, 2);
    assert.equal(s.responses_with_usage, 3);
    assert.equal(s.tokens.input_tokens, completed.usage.input_tokens);
    assert.equal(s.tokens.output_tokens, completed.usage.output_tokens);
  } finally {
    await t.close();
  }
});
