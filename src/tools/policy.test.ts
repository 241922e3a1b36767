// createToolPolicy through a real ToolRegistry: real processes, real bwrap (skipped where unavailable).
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { SandboxMode } from "../config/types.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { createToolPolicy, type PolicyConfig, type ToolPolicy, type ToolPolicyOptions } from "./policy.ts";
import { ToolRegistry } from "./registry.ts";
import { detectSandbox } from "./sandbox/detect.ts";

const availability = detectSandbox();
const skip = availability.available ? false : `no usable sandbox: ${availability.reason}`;

const base = realpathSync(mkdtempSync(join(tmpdir(), "tool-policy-")));
const ws = join(base, "ws");
const tmp = join(base, "tmp");
for (const d of [ws, join(ws, ".git"), tmp, join(base, "sibling")]) mkdirSync(d, { recursive: true });
writeFileSync(join(ws, ".git", "config"), "[core]\n");
after(() => rmSync(base, { recursive: true, force: true }));

const env = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: base,
  TMPDIR: tmp,
  LITELLM_API_KEY: "sk-secret",
  CORP_GATEWAY_CREDENTIAL: "provider-key",
  GITHUB_TOKEN: "ghp-secret",
  VISIBLE: "yes",
};

function config(mode: SandboxMode, extra: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    approvalPolicy: "on-request",
    sandboxMode: mode,
    writableRoots: [],
    networkAccess: false,
    // /tmp holds this test's base directory: excluded, so "outside the workspace" really is outside.
    excludeSlashTmp: true,
    excludeTmpdirEnvVar: false,
    shellEnvironmentPolicy: {
      inherit: "all",
      ignoreDefaultExcludes: false,
      exclude: [],
      includeOnly: [],
      set: {},
    },
    provider: { envKey: "CORP_GATEWAY_CREDENTIAL" },
    ...extra,
  };
}

function session(policy: ToolPolicy) {
  const registry = new ToolRegistry(policy.registryOptions);
  const events: AgentEvent[] = [];
  let n = 0;
  const call = (name: string, args: object) =>
    registry.dispatch(name, JSON.stringify(args), {
      cwd: ws,
      writableRoots: ["/"], // whatever the agent passes, the policy's roots win
      signal: new AbortController().signal,
      callId: `call_${++n}`,
      emit: (e) => events.push(e),
    });
  const lastEnd = () => events.filter((e) => e.type === "exec_command_end").at(-1);
  return { call, events, lastEnd };
}

const make = (mode: SandboxMode, extra: Partial<PolicyConfig> = {}, opts: ToolPolicyOptions = {}) =>
  createToolPolicy(config(mode, extra), ws, "exec", undefined, { env, ...opts });

describe("createToolPolicy with bwrap", { skip }, () => {
  test("workspace-write: writes inside; outside and .git refused; the model is told about the sandbox", async () => {
    const policy = make("workspace-write");
    assert.equal(policy.sandboxSummary, "workspace-write (bwrap, network off)");
    assert.equal(policy.approvalPolicy, "never", "exec never prompts");
    assert.deepEqual(policy.writableRoots, [ws, tmp]);
    assert.deepEqual(policy.notices, []);
    const { call, lastEnd } = session(policy);
    const ok = await call("shell", { command: ["bash", "-lc", "echo hi > inside.txt && cat inside.txt"] });
    assert.match(ok.output, /^Exit code: 0\n[\s\S]*Output:\nhi\n$/);
    const out = await call("shell", { command: ["touch", "../sibling/x", ".git/x"] });
    assert.match(out.output, /^Exit code: 1\n/);
    assert.match(out.output, /Read-only file system/);
    assert.match(out.output, /Note: this command ran in the workspace-write sandbox \(writable: /);
    assert.equal(lastEnd()?.type === "exec_command_end" && lastEnd()?.exitCode, 1);
    assert.ok(!existsSync(join(base, "sibling", "x")) && !existsSync(join(ws, ".git", "x")));
  });

  test("the command environment: no provider key, no *_TOKEN, Codex's sandbox markers", async () => {
    const { call } = session(make("workspace-write"));
    const r = await call("shell", { command: ["env"] });
    assert.match(r.output, /^VISIBLE=yes$/m);
    assert.match(r.output, /^CODEX_SANDBOX=bwrap$/m);
    assert.match(r.output, /^CODEX_SANDBOX_NETWORK_DISABLED=1$/m);
    for (const secret of ["sk-secret", "provider-key", "ghp-secret", "LITELLM_API_KEY", "_TOKEN"])
      assert.ok(!r.output.includes(secret), secret);
  });

  test("read-only: commands cannot write, patches are refused as read-only", async () => {
    const { call, events } = session(make("read-only"));
    const touch = await call("shell", { command: ["touch", "x"] });
    assert.match(touch.output, /^Exit code: 1\n[\s\S]*Read-only file system/);
    assert.equal(existsSync(join(ws, "x")), false);
    const patch = await call("apply_patch", {
      input: "*** Begin Patch\n*** Add File: y.txt\n+y\n*** End Patch",
    });
    assert.equal(patch.isError, true);
    assert.match(patch.output, /^patch rejected: the sandbox is read-only \(sandbox_mode = read-only\)/);
    assert.equal(existsSync(join(ws, "y.txt")), false);
    const end = events.at(-1);
    assert.ok(end?.type === "patch_apply_end" && !end.success);
  });

  test("network_access opens the network; danger-full-access runs unsandboxed", async () => {
    const open = make("workspace-write", { networkAccess: true });
    assert.equal(open.sandboxSummary, "workspace-write (bwrap, network on)");
    const full = make("danger-full-access");
    assert.equal(full.sandboxBackend, undefined);
    const r = await session(full).call("shell", { command: ["bash", "-c", 'echo "[$CODEX_SANDBOX]"'] });
    assert.match(r.output, /Output:\n\[\]\n$/);
  });
});

describe("createToolPolicy", () => {
  test("patches: ../, absolute paths and .git are refused with the guard's message; inside applies", async () => {
    const { call } = session(
      make("workspace-write", {}, { availability: { available: false, reason: "test" } }),
    );
    const add = (path: string) =>
      call("apply_patch", { input: `*** Begin Patch\n*** Add File: ${path}\n+x\n*** End Patch` });
    for (const [path, why] of [
      ["../sibling/p.txt", /is outside the writable roots/],
      [join(base, "sibling", "q.txt"), /is outside the writable roots/],
      [".git/config", /inside .*\.git, which stays read-only/],
    ] as const) {
      const r = await add(path);
      assert.equal(r.isError, true, path);
      assert.match(r.output, why);
    }
    assert.equal(readFileSync(join(ws, ".git", "config"), "utf8"), "[core]\n");
    assert.equal((await add("fine.txt")).output, "Success. Updated the following files:\nA fine.txt");
    const viaShell = await call("shell", {
      command: ["apply_patch", "*** Begin Patch\n*** Add File: ../sibling/r.txt\n+x\n*** End Patch"],
    });
    assert.match(viaShell.output, /outside the writable roots/);
    assert.equal(existsSync(join(base, "sibling", "r.txt")), false);
  });

  test("no sandbox: one notice; known read-only commands run, others are declined with the reason", async () => {
    const policy = make(
      "workspace-write",
      {},
      { availability: { available: false, reason: "bwrap missing" } },
    );
    assert.equal(policy.sandboxSummary, "workspace-write (no sandbox available)");
    assert.equal(policy.notices.length, 1);
    assert.match(policy.notices[0], /^no sandbox: bwrap missing\. workspace-write cannot be enforced/);
    assert.match(policy.notices[0], /will be refused/);
    const { call, lastEnd } = session(policy);
    assert.match((await call("shell", { command: ["bash", "-lc", "pwd && ls"] })).output, /^Exit code: 0/);
    const r = await call("shell", { command: ["touch", "z"] });
    assert.match(r.output, /^command declined and not run: no sandbox is available \(bwrap missing\)/);
    const end = lastEnd();
    assert.ok(end?.type === "exec_command_end" && end.status === "declined" && end.exitCode === null);
    assert.equal(existsSync(join(ws, "z")), false);
  });

  test("exec keeps untrusted (refusing all but read-only commands); the TUI keeps its policy and prompt", async () => {
    const untrusted = make(
      "workspace-write",
      { approvalPolicy: "untrusted" },
      { availability: { available: false, reason: "x" } },
    );
    assert.equal(untrusted.approvalPolicy, "untrusted");
    const r = await session(untrusted).call("shell", { command: ["touch", "u"] });
    assert.match(r.output, /declined and not run: approval_policy is "untrusted"/);
    const tui = createToolPolicy(
      config("workspace-write", { approvalPolicy: "on-failure" }),
      ws,
      "interactive",
      { ask: async () => ({ decision: "yes" }) },
      { env, availability: { available: false, reason: "none here" } },
    );
    assert.equal(tui.approvalPolicy, "on-failure");
    assert.match(tui.notices[0], /will ask for approval and then run unsandboxed/);
    const ran = await session(tui).call("shell", { command: ["touch", "approved.txt"] });
    assert.match(ran.output, /^Exit code: 0/);
    assert.ok(existsSync(join(ws, "approved.txt")));
  });

  test("untrusted from the project's trust_level does not apply to exec, which uses never", () => {
    const fromTrust = make(
      "workspace-write",
      { approvalPolicy: "untrusted", approvalPolicyExplicit: false },
      { availability: { available: false, reason: "x" } },
    );
    assert.equal(fromTrust.approvalPolicy, "never");
  });

  test("withPermissions: a new gate and sandbox with the same prompt and environment", async () => {
    let asked = 0;
    const tui = createToolPolicy(
      config("workspace-write", { approvalPolicy: "untrusted" }),
      ws,
      "interactive",
      {
        ask: async () => {
          asked++;
          return { decision: "no" };
        },
      },
      { env, availability: { available: false, reason: "none here" } },
    );
    const declined = await session(tui).call("shell", { command: ["touch", "perm-a.txt"] });
    assert.match(declined.output, /declined/);
    assert.equal(asked, 1);

    const full = tui.withPermissions("never", "danger-full-access");
    assert.deepEqual([full.approvalPolicy, full.sandboxMode], ["never", "danger-full-access"]);
    assert.equal(full.sandboxSummary, "danger-full-access (no sandbox)");
    const ran = await session(full).call("shell", { command: ["touch", "perm-a.txt"] });
    assert.match(ran.output, /^Exit code: 0/);
    assert.equal(asked, 1, "no prompt under never + danger-full-access");

    const readOnly = full.withPermissions("on-request", "read-only");
    assert.deepEqual([readOnly.approvalPolicy, readOnly.sandbox.mode], ["on-request", "read-only"]);
    assert.equal(tui.approvalPolicy, "untrusted", "the original policy is unchanged");
  });
});
