import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalToolName, normalizeShellArgs } from "./args.ts";

test("array command passes through", () => {
  assert.deepEqual(normalizeShellArgs({ command: ["ls", "-la"], workdir: "src", timeout_ms: 500 }), {
    command: ["ls", "-la"],
    workdir: "src",
    timeoutMs: 500,
  });
});

test("string command, cmd alias, JSON-array string, one-element shell line", () => {
  assert.deepEqual(normalizeShellArgs({ command: "ls | wc -l" }), { command: ["bash", "-lc", "ls | wc -l"] });
  assert.deepEqual(normalizeShellArgs({ cmd: ["echo", "x"] }), { command: ["echo", "x"] });
  assert.deepEqual(normalizeShellArgs({ cmd: "pwd" }), { command: ["bash", "-lc", "pwd"] });
  assert.deepEqual(normalizeShellArgs({ command: '["git","status"]' }), { command: ["git", "status"] });
  assert.deepEqual(normalizeShellArgs({ command: "[ -f x ] && echo y" }), {
    command: ["bash", "-lc", "[ -f x ] && echo y"],
  });
  assert.deepEqual(normalizeShellArgs({ command: ["ls -la"] }), { command: ["bash", "-lc", "ls -la"] });
  assert.deepEqual(normalizeShellArgs({ command: ["ls"] }), { command: ["ls"] });
  assert.deepEqual(normalizeShellArgs({ command: ["head", "-n", 5] }), { command: ["head", "-n", "5"] });
});

test("timeout alias and numeric strings", () => {
  assert.equal(
    (normalizeShellArgs({ command: ["x"], timeout: 1500 }) as { timeoutMs: number }).timeoutMs,
    1500,
  );
  assert.equal(
    (normalizeShellArgs({ command: ["x"], timeout_ms: " 2000 " }) as { timeoutMs: number }).timeoutMs,
    2000,
  );
  assert.equal(
    (normalizeShellArgs({ command: ["x"], timeout_ms: null }) as { timeoutMs?: number }).timeoutMs,
    undefined,
  );
});

test("errors are actionable messages", () => {
  const commandError = { error: "shell: `command` is required and must be an array of strings or a string" };
  assert.deepEqual(normalizeShellArgs({}), commandError);
  assert.deepEqual(normalizeShellArgs({ command: [] }), commandError);
  assert.deepEqual(normalizeShellArgs({ command: "  " }), commandError);
  assert.deepEqual(normalizeShellArgs({ command: [{ a: 1 }] }), commandError);
  assert.deepEqual(normalizeShellArgs({ command: 42 }), commandError);
  assert.match(
    (normalizeShellArgs({ command: ["x"], timeout_ms: "soon" }) as { error: string }).error,
    /timeout_ms/,
  );
  // Values that would mean "no limit" are dropped, so the default timeout applies.
  for (const timeout_ms of [-1, 0, Number.POSITIVE_INFINITY, "Infinity", "-5"])
    assert.deepEqual(
      normalizeShellArgs({ command: ["x"], timeout_ms }),
      { command: ["x"] },
      String(timeout_ms),
    );
  assert.match((normalizeShellArgs({ command: ["x"], workdir: 3 }) as { error: string }).error, /workdir/);
});

test("canonicalToolName", () => {
  const cases: [string, string][] = [
    ["shell", "shell"],
    ["functions.shell", "shell"],
    ["shell<|channel|>commentary", "shell"],
    ["functions.shell<|constrain|>json", "shell"],
    ["container.exec", "shell"],
    ["bash", "shell"],
    ["exec", "shell"],
    ["run_shell_command", "shell"],
    ["shell_command", "shell"],
    ["local_shell", "shell"],
    ["functions.apply_patch", "apply_patch"],
    ["update_plan", "update_plan"],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalToolName(input), expected, input);
});
