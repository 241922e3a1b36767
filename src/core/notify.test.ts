import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ResolvedConfig } from "../config/types.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { turnNotifier } from "./notify.ts";
import { reasoningFilter, reasoningShown } from "./setup.ts";

test("turnNotifier runs the program after a completed turn only, detached, with Codex's payload", async () => {
  const dir = mkdtempSync(join(tmpdir(), "notify-"));
  try {
    const out = join(dir, "out");
    const script = join(dir, "n.cjs");
    writeFileSync(script, `require("fs").appendFileSync(${JSON.stringify(out)}, process.argv[3] + "\\n")`);
    const notify = turnNotifier([process.execPath, script, "first-arg"], () => "thread-1", "/w");
    notify({ type: "turn_started", prompt: "do it" });
    notify({ type: "turn_failed", message: "x", usage: undefined as never });
    notify({ type: "turn_complete", lastMessage: "done", usage: undefined as never });
    // The file exists from the moment the program opens it: wait for its whole line.
    const written = () => (existsSync(out) ? readFileSync(out, "utf8") : "");
    for (let i = 0; i < 400 && !written().endsWith("\n"); i++) await new Promise((r) => setTimeout(r, 25));
    const lines = written().trimEnd().split("\n");
    assert.equal(lines.length, 1, "one notification: the failed turn sent none");
    const payload = JSON.parse(lines[0]);
    assert.equal(payload.type, "agent-turn-complete");
    assert.equal(payload["thread-id"], "thread-1");
    assert.deepEqual(payload["input-messages"], ["do it"]);
    assert.equal(payload["last-assistant-message"], "done");
    // A program that does not exist is ignored.
    turnNotifier(
      ["/nonexistent/notify"],
      () => "t",
      "/w",
    )({ type: "turn_complete", lastMessage: null, usage: undefined as never });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reasoning is hidden by hide_agent_reasoning or summaries off, unless raw reasoning is asked for", () => {
  const c = (over: Partial<ResolvedConfig>) =>
    ({ hideAgentReasoning: false, showRawAgentReasoning: false, ...over }) as ResolvedConfig;
  assert.equal(reasoningShown(c({})), true);
  assert.equal(reasoningShown(c({ hideAgentReasoning: true })), false);
  assert.equal(reasoningShown(c({ reasoningSummary: "none" })), false);
  assert.equal(reasoningShown(c({ hideAgentReasoning: true, showRawAgentReasoning: true })), true);
  const seen: AgentEvent[] = [];
  const emit = reasoningFilter(c({ hideAgentReasoning: true }), (e) => seen.push(e));
  emit({ type: "reasoning_delta", delta: "r" });
  emit({ type: "reasoning", text: "r" });
  emit({ type: "agent_message", text: "a" });
  assert.deepEqual(
    seen.map((e) => e.type),
    ["agent_message"],
  );
});
