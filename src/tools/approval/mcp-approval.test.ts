// MCP tool calls under each approval policy (SafetyGate.approveMcp).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ApprovalPolicy, SandboxMode } from "../../config/types.ts";
import type { McpApprovalRequest } from "../types.ts";
import { SafetyGate } from "./gate.ts";
import type { ApprovalAnswer, ApprovalRequest } from "./types.ts";

function gate(approvalPolicy: ApprovalPolicy, mode: SandboxMode, answers?: ApprovalAnswer[]) {
  const asked: ApprovalRequest[] = [];
  const g = new SafetyGate({
    approvalPolicy,
    sandbox: { mode, writableRoots: ["/ws"], readOnlySubpaths: [], networkAccess: false },
    availability: { available: false, reason: "none" },
    ask: answers && {
      ask: async (request) => {
        asked.push(request);
        return answers.shift() ?? { decision: "no" };
      },
    },
  });
  return { g, asked };
}

const request = (readOnly: boolean, tool = "write"): McpApprovalRequest => ({
  callId: "c1",
  server: "srv",
  tool,
  arguments: "{}",
  readOnly,
  signal: new AbortController().signal,
});

test("tools marked read-only run under every policy, without asking", async () => {
  for (const p of ["untrusted", "on-request", "on-failure", "never"] as const) {
    const { g, asked } = gate(p, "workspace-write", []);
    assert.deepEqual(await g.approveMcp(request(true)), { allow: true }, p);
    assert.equal(asked.length, 0);
  }
});

test("never and on-failure run other tools; exec (no prompt) refuses them under untrusted, telling why", async () => {
  assert.deepEqual(await gate("never", "read-only").g.approveMcp(request(false)), { allow: true });
  assert.deepEqual(await gate("on-failure", "workspace-write").g.approveMcp(request(false)), { allow: true });
  const refused = await gate("untrusted", "workspace-write").g.approveMcp(request(false));
  assert.equal(refused.allow, false);
  assert.match((refused as { reason: string }).reason, /approval_policy is "untrusted".*cannot ask the user/);
});

test("on-request and untrusted ask in the TUI; always covers that tool for the session", async () => {
  const { g, asked } = gate("on-request", "workspace-write", [
    { decision: "always" },
    { decision: "no", feedback: "stop" },
  ]);
  assert.deepEqual(await g.approveMcp(request(false)), { allow: true });
  assert.equal(asked[0].kind, "mcp");
  assert.deepEqual(await g.approveMcp(request(false)), { allow: true }, "not asked again");
  assert.equal(asked.length, 1);
  const declined = await g.approveMcp(request(false, "other"));
  assert.deepEqual(declined, { allow: false, reason: "the user declined this tool call and said: stop" });
  assert.deepEqual(await gate("on-request", "danger-full-access", []).g.approveMcp(request(false)), {
    allow: true,
  });
});
