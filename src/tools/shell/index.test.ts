import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { ShellEnvironmentPolicy } from "../../config/types.ts";
import type { AgentEvent } from "../../protocol/events.ts";
import type { ToolContext } from "../types.ts";
import { type AfterRunAdvice, createShellTool, type RunRequest, type ShellToolOptions } from "./index.ts";
import type { RunResult } from "./run.ts";

const dir = mkdtempSync(join(tmpdir(), "shell-tool-"));
mkdirSync(join(dir, "sub"));
after(() => rmSync(dir, { recursive: true, force: true }));

const envPolicy: ShellEnvironmentPolicy = {
  inherit: "all",
  ignoreDefaultExcludes: false,
  exclude: [],
  includeOnly: [],
  set: {},
};
const baseEnv = { PATH: process.env.PATH, HOME: dir, LITELLM_API_KEY: "sk-secret", VISIBLE: "v" };

function setup(extra: Partial<ShellToolOptions> = {}) {
  const tool = createShellTool({ envPolicy, baseEnv, ...extra });
  const events: AgentEvent[] = [];
  const ctx: ToolContext = {
    cwd: dir,
    writableRoots: [dir],
    signal: new AbortController().signal,
    callId: "call_1",
    emit: (e) => events.push(e),
  };
  return { tool, events, ctx };
}

test("spec matches the Codex shape", () => {
  const { tool } = setup();
  assert.equal(tool.spec.name, "shell");
  assert.match(tool.spec.description, /Most terminal commands should be prefixed with \["bash", "-lc"\]/);
  assert.match(tool.spec.description, /Always set the `workdir` param/);
  const params = tool.spec.parameters as { properties: Record<string, unknown>; required: string[] };
  assert.deepEqual(Object.keys(params.properties), ["command", "workdir", "timeout_ms"]);
  assert.deepEqual(params.required, ["command"]);
});

test("runs in a relative workdir, emits begin/delta/end, formats the result", async () => {
  const { tool, events, ctx } = setup();
  const result = await tool.execute(
    {
      command: ["bash", "-c", 'pwd; echo "$(printenv LITELLM_API_KEY || echo none) $VISIBLE"; echo oops >&2'],
      workdir: "sub",
    },
    ctx,
  );
  const sub = join(dir, "sub");
  assert.equal(result.isError, undefined);
  assert.match(
    result.output,
    new RegExp(`^Exit code: 0\\nWall time: \\d+\\.\\d seconds\\nOutput:\\n${sub}\\nnone v\\noops\\n$`),
  );
  const command = [
    "bash",
    "-c",
    'pwd; echo "$(printenv LITELLM_API_KEY || echo none) $VISIBLE"; echo oops >&2',
  ];
  assert.deepEqual(events[0], { type: "exec_command_begin", callId: "call_1", command, cwd: sub });
  const deltas = events.filter((e) => e.type === "exec_command_output_delta");
  assert.ok(deltas.length >= 1);
  assert.equal(deltas.map((e) => (e as { chunk: string }).chunk).join(""), `${sub}\nnone v\noops\n`);
  const end = events.at(-1);
  assert.ok(end?.type === "exec_command_end");
  assert.equal(end.exitCode, 0);
  assert.equal(end.status, "completed");
  assert.equal(end.output, `${sub}\nnone v\noops\n`);
});

test("failure status, string command, timeout argument", async () => {
  const { tool, events, ctx } = setup();
  const failed = await tool.execute({ cmd: "exit 7" }, ctx);
  assert.match(failed.output, /^Exit code: 7\n/);
  const end = events.at(-1);
  assert.ok(end?.type === "exec_command_end" && end.status === "failed" && end.exitCode === 7);
  const timedOut = await tool.execute({ command: ["sleep", "5"], timeout: "200" }, ctx);
  assert.match(
    timedOut.output,
    /^Exit code: 124\nWall time: 0\.\d seconds\nOutput:\ncommand timed out after 200 ms\n/,
  );
});

test("default timeout option applies", async () => {
  const { tool, ctx } = setup({ defaultTimeoutMs: 150 });
  assert.match((await tool.execute({ command: ["sleep", "5"] }, ctx)).output, /^Exit code: 124/);
});

test("a model-chosen timeout_ms is clamped to maxTimeoutMs; huge and infinite values do not disable it", async () => {
  const { tool, ctx } = setup({ maxTimeoutMs: 50, defaultTimeoutMs: 60_000 });
  assert.match(tool.spec.description, /at most 0 seconds/);
  for (const timeout_ms of [2 ** 31, 2 ** 32 + 100, 1e308, "1e308", 5000]) {
    const r = await tool.execute({ command: ["sleep", "20"], timeout_ms }, ctx);
    assert.match(r.output, /^Exit code: 124\n[\s\S]*command timed out after 50 ms\n/, String(timeout_ms));
  }
  // The default itself is capped; Infinity-like values fall back to it.
  for (const timeout_ms of [undefined, "Infinity", -1]) {
    const r = await tool.execute({ command: ["sleep", "20"], timeout_ms }, ctx);
    assert.match(r.output, /command timed out after 50 ms\n/, String(timeout_ms));
  }
});

test("bad arguments and missing workdir are errors without events", async () => {
  const { tool, events, ctx } = setup();
  const bad = await tool.execute({ command: 5 }, ctx);
  assert.equal(bad.isError, true);
  assert.match(bad.output, /`command` is required/);
  const missing = await tool.execute({ command: ["ls"], workdir: "does-not-exist" }, ctx);
  assert.equal(missing.isError, true);
  assert.match(missing.output, /workdir does not exist/);
  assert.equal(events.length, 0);
});

test("ENOENT is a 127 result, not an error", async () => {
  const { tool, ctx } = setup();
  const r = await tool.execute({ command: ["no-such-binary-xyz"] }, ctx);
  assert.match(r.output, /^Exit code: 127\n[\s\S]*command not found: no-such-binary-xyz/);
});

test("beforeRun can decline with a reason", async () => {
  const seen: [string[], string][] = [];
  const { tool, events, ctx } = setup({
    beforeRun: async (command, cwd) => {
      seen.push([command, cwd]);
      return { allow: false, reason: "writes outside the workspace" };
    },
  });
  const r = await tool.execute({ command: ["touch", "/x"] }, ctx);
  assert.deepEqual(seen, [[["touch", "/x"], dir]]);
  assert.match(r.output, /declined[\s\S]*writes outside the workspace/);
  const end = events.at(-1);
  assert.ok(end?.type === "exec_command_end" && end.status === "declined" && end.exitCode === null);
});

test("abort through the context signal", async () => {
  const { tool, ctx } = setup();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const r = await tool.execute({ command: ["sleep", "5"] }, { ...ctx, signal: ac.signal });
  assert.match(r.output, /command aborted/);
});

test("a launcher wraps the run and finishes its result; afterRun may add a note or approve a plain rerun", async () => {
  const launcher = {
    prepare: (command: string[], _cwd: string, env: Record<string, string>) => ({
      argv: ["bash", "-c", 'echo "wrapped($WRAPPED): $*"; exit 3', "wrapper", ...command],
      env: { ...env, WRAPPED: "yes" },
    }),
    finish: (_command: string[], result: RunResult) => ({ ...result, output: result.output.toUpperCase() }),
  };
  const advice: AfterRunAdvice[] = [
    { note: "Note: the sandbox may have refused it." },
    { rerunUnlaunched: true },
  ];
  const { tool, events, ctx } = setup({
    beforeRun: async () => ({ allow: true, launcher }),
    afterRun: async () => advice.shift(),
  });
  const noted = await tool.execute({ command: ["echo", "hi"] }, ctx);
  assert.match(
    noted.output,
    /^Exit code: 3\n[\s\S]*Output:\nWRAPPED\(YES\): ECHO HI\nNote: the sandbox may have refused it\.$/,
  );
  const rerun = await tool.execute({ command: ["echo", "hi"] }, ctx);
  assert.match(rerun.output, /^Exit code: 0\n[\s\S]*Output:\nhi\n$/);
  const ends = events.filter((e) => e.type === "exec_command_end");
  assert.deepEqual(
    ends.map((e) => e.type === "exec_command_end" && [e.command, e.status]),
    [
      [["echo", "hi"], "failed"],
      [["echo", "hi"], "completed"],
    ],
  );
});

test("escalation arguments reach beforeRun", async () => {
  const seen: RunRequest[] = [];
  const { tool, ctx } = setup({
    beforeRun: async (_command, _cwd, request) => {
      seen.push(request);
      return { allow: false, reason: "no" };
    },
  });
  await tool.execute(
    { command: ["true"], sandbox_permissions: "require_escalated", justification: " why " },
    ctx,
  );
  await tool.execute({ command: ["true"] }, ctx);
  assert.deepEqual(
    seen.map((r) => [r.escalate, r.justification, r.callId]),
    [
      [true, "why", "call_1"],
      [false, undefined, "call_1"],
    ],
  );
});
