// The trust prompt's and /approvals' pure parts: when to ask, keys, presets, the environment context swap.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { environmentContext, projectDocMessage } from "../../../agent/instructions.ts";
import type { ResolvedConfig } from "../../../config/types.ts";
import { replaceEnvironment } from "../../../core/permissions.ts";
import { messageText, userMessage } from "../../../protocol/items.ts";
import { parseSlash } from "../input/slash.ts";
import { currentPreset, PERMISSION_PRESETS, permissionsNotice } from "./permissions.ts";
import { applyTrust, initialTrustState, needsTrustDecision, saveTrustDecision, trustKey } from "./trust.ts";

const base = {
  approvalPolicy: "on-request",
  sandboxMode: "workspace-write",
  approvalPolicyExplicit: false,
  sandboxModeExplicit: false,
  trustLevel: undefined,
} as ResolvedConfig;

describe("trust prompt", () => {
  test("asks only without a decision and without explicit approval or sandbox settings", () => {
    assert.equal(needsTrustDecision(base), true);
    assert.equal(needsTrustDecision({ ...base, trustLevel: "untrusted" }), false);
    assert.equal(needsTrustDecision({ ...base, approvalPolicyExplicit: true }), false);
    assert.equal(needsTrustDecision({ ...base, sandboxModeExplicit: true }), false);
  });

  test("keys: 1/2 and arrows choose, Enter decides, Esc and Ctrl-C quit", () => {
    let state = initialTrustState(true);
    assert.equal(state.index, 0);
    assert.equal(initialTrustState(false).index, 1);
    [state] = trustKey(state, { kind: "text", text: "2" });
    assert.equal(state.index, 1);
    assert.deepEqual(trustKey(state, { kind: "key", name: "enter" })[1], {
      kind: "decide",
      level: "untrusted",
    });
    [state] = trustKey(state, { kind: "key", name: "down" });
    assert.equal(state.index, 0, "wraps around");
    [state] = trustKey(state, { kind: "key", name: "up" });
    [state] = trustKey(state, { kind: "text", text: "1" });
    assert.deepEqual(trustKey(state, { kind: "key", name: "enter" })[1], {
      kind: "decide",
      level: "trusted",
    });
    assert.deepEqual(trustKey(state, { kind: "text", text: "x" }), [state, undefined]);
    assert.deepEqual(trustKey(state, { kind: "key", name: "escape" })[1], { kind: "quit" });
    assert.deepEqual(trustKey(state, { kind: "key", name: "ctrl-c" })[1], { kind: "quit" });
  });

  test("a decision that cannot be saved is a warning, not a failure", () => {
    const warning = saveTrustDecision(
      { ...base, configPath: "/dev/null/config.toml", projectPath: "/w" },
      "trusted",
    );
    assert.match(
      warning ?? "",
      /^could not save the trust decision \(.*\); it applies to this session only$/,
    );
  });

  test("the decision sets this launch's approval policy", () => {
    assert.equal(applyTrust(base, "untrusted").approvalPolicy, "untrusted");
    assert.equal(applyTrust(base, "trusted").approvalPolicy, "on-request");
    assert.equal(applyTrust(base, "trusted").trustLevel, "trusted");
  });
});

describe("/approvals", () => {
  test("is a slash command; presets are Codex's, the current one is found", () => {
    const parsed = parseSlash("/approvals");
    assert.ok(parsed?.kind === "command" && parsed.command.idleOnly);
    assert.deepEqual(
      PERMISSION_PRESETS.map((p) => [p.label, p.sandboxMode, p.approvalPolicy]),
      [
        ["Read Only", "read-only", "on-request"],
        ["Auto", "workspace-write", "on-request"],
        ["Full Access", "danger-full-access", "never"],
      ],
    );
    assert.equal(currentPreset("on-request", "workspace-write")?.label, "Auto");
    assert.equal(currentPreset("untrusted", "workspace-write"), undefined);
    assert.equal(
      permissionsNotice(PERMISSION_PRESETS[2]),
      "Permissions set to Full Access (danger-full-access, approval never)",
    );
  });

  test("replaceEnvironment swaps the environment context only", () => {
    const env = (approvalPolicy: string) =>
      environmentContext({
        cwd: "/w",
        shell: "bash",
        approvalPolicy,
        sandboxMode: "x",
        networkAccess: false,
      });
    const items = [projectDocMessage("/w", "be nice"), env("on-request"), userMessage("hi")];
    const out = replaceEnvironment(items, env("never"));
    assert.equal(out[0], items[0]);
    assert.equal(out[2], items[2]);
    assert.match(messageText(out[1] as never), /<approval_policy>never<\/approval_policy>/);
  });
});
