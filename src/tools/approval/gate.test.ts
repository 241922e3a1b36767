import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ApprovalPolicy, SandboxMode } from "../../config/types.ts";
import type { SandboxAvailability, SandboxPolicy } from "../sandbox/types.ts";
import type { RunRequest } from "../shell/index.ts";
import type { RunResult } from "../shell/run.ts";
import type { PatchApprovalRequest } from "../types.ts";
import { SafetyGate } from "./gate.ts";
import type { ApprovalAnswer, ApprovalRequest } from "./types.ts";

const fakeSandbox: SandboxAvailability = {
  available: true,
  backend: { name: "fake", wrap: (command) => ({ argv: ["fake-sandbox", ...command], fds: [] }) },
};
const noSandbox: SandboxAvailability = { available: false, reason: "bubblewrap (bwrap) is not installed" };

function policy(mode: SandboxMode): SandboxPolicy {
  return {
    mode,
    writableRoots: mode === "read-only" ? [] : mode === "danger-full-access" ? ["/"] : ["/ws"],
    readOnlySubpaths: mode === "workspace-write" ? ["/ws/.git"] : [],
    networkAccess: mode === "danger-full-access",
  };
}

function gate(
  approvalPolicy: ApprovalPolicy,
  mode: SandboxMode,
  availability = fakeSandbox,
  answers?: ApprovalAnswer[],
) {
  const asked: ApprovalRequest[] = [];
  const g = new SafetyGate({
    approvalPolicy,
    sandbox: policy(mode),
    availability,
    ask: answers && {
      ask: async (request) => {
        asked.push(request);
        const answer = answers.shift();
        if (!answer) throw new Error("asked more often than expected");
        return answer;
      },
    },
  });
  return { g, asked };
}

const req = (extra: Partial<RunRequest> = {}): RunRequest => ({
  callId: "c1",
  signal: new AbortController().signal,
  escalate: false,
  ...extra,
});
const WRITE = ["touch", "x"];
const READ = ["bash", "-lc", "ls && git status"];

describe("SafetyGate: commands", () => {
  test("with a sandbox, never/on-request/on-failure run everything inside it", async () => {
    for (const p of ["never", "on-request", "on-failure"] as const) {
      const { g } = gate(p, "workspace-write");
      for (const command of [WRITE, READ]) {
        const d = await g.beforeCommand(command, "/ws", req());
        assert.ok(d.allow && d.launcher, `${p} ${command}`);
        assert.deepEqual(d.launcher.prepare(command, "/ws", { A: "1" }), {
          argv: ["fake-sandbox", ...command],
          fds: [],
          env: { A: "1", CODEX_SANDBOX: "fake", CODEX_SANDBOX_NETWORK_DISABLED: "1" },
        });
      }
    }
  });

  test("without a sandbox only known read-only commands run; the rest is declined (exec) or asked", async () => {
    const { g } = gate("never", "workspace-write", noSandbox);
    const safe = await g.beforeCommand(["bash", "-lc", "ls && pwd"], "/ws", req());
    // Known commands run without the login and rc files a patch could have planted.
    assert.ok(safe.allow && safe.launcher);
    assert.deepEqual(
      safe.launcher.prepare(["bash", "-lc", "ls && pwd"], "/ws", { A: "1", BASH_ENV: "/ws/x" }),
      {
        argv: ["bash", "--noprofile", "--norc", "-c", "ls && pwd"],
        env: { A: "1" },
      },
    );
    // git reads repository config, which can run programs: not without a sandbox.
    assert.equal((await g.beforeCommand(READ, "/ws", req())).allow, false);
    assert.equal((await g.beforeCommand(["cat", "/proc/1/environ"], "/ws", req())).allow, false);
    const unsafe = await g.beforeCommand(WRITE, "/ws", req());
    assert.ok(!unsafe.allow);
    assert.match(
      unsafe.reason,
      /^no sandbox is available \(bubblewrap \(bwrap\) is not installed\), so in workspace-write mode only known read-only commands/,
    );
    const asking = gate("on-request", "read-only", noSandbox, [{ decision: "yes" }]);
    assert.deepEqual(await asking.g.beforeCommand(WRITE, "/ws", req()), { allow: true, launcher: undefined });
    assert.equal(asking.asked[0].kind === "command" && asking.asked[0].unsandboxed, true);
  });

  test("untrusted: known read-only commands run sandboxed, others need approval", async () => {
    const exec = gate("untrusted", "workspace-write");
    assert.ok((await exec.g.beforeCommand(READ, "/ws", req())).allow);
    const declined = await exec.g.beforeCommand(WRITE, "/ws", req());
    assert.ok(!declined.allow);
    assert.match(
      declined.reason,
      /approval_policy is "untrusted".*cannot ask the user \(exec never prompts\)/,
    );

    const tui = gate("untrusted", "workspace-write", fakeSandbox, [
      { decision: "always" },
      { decision: "no", feedback: "use the Makefile" },
    ]);
    const first = await tui.g.beforeCommand(WRITE, "/ws", req());
    assert.ok(first.allow && first.launcher, "approved commands still run in the sandbox");
    assert.ok((await tui.g.beforeCommand(WRITE, "/ws", req())).allow, "remembered for the session");
    const no = await tui.g.beforeCommand(["rm", "x"], "/ws", req());
    assert.deepEqual(no, {
      allow: false,
      reason: "the user declined this command and said: use the Makefile",
    });
    assert.equal(tui.asked.length, 2);

    // A gate that replaces this one (/approvals) keeps what the user approved for the session.
    const next = gate("untrusted", "read-only", fakeSandbox, []);
    next.g.keepApprovalsOf(tui.g);
    assert.ok((await next.g.beforeCommand(WRITE, "/ws", req())).allow);
    assert.equal(next.asked.length, 0);
  });

  test("escalation out of the sandbox: refused under never, asked otherwise", async () => {
    const never = await gate("never", "workspace-write").g.beforeCommand(
      WRITE,
      "/ws",
      req({ escalate: true }),
    );
    assert.ok(!never.allow && /approval_policy is "never"/.test(never.reason));
    const { g, asked } = gate("on-request", "workspace-write", fakeSandbox, [{ decision: "yes" }]);
    const d = await g.beforeCommand(WRITE, "/ws", req({ escalate: true, justification: "needs ~/.npm" }));
    assert.deepEqual(d, { allow: true, launcher: undefined });
    assert.equal(asked[0].kind === "command" && asked[0].justification, "needs ~/.npm");
  });

  test("danger-full-access runs unsandboxed; untrusted still guards unknown commands", async () => {
    assert.deepEqual(await gate("never", "danger-full-access").g.beforeCommand(WRITE, "/", req()), {
      allow: true,
    });
    const d = await gate("untrusted", "danger-full-access").g.beforeCommand(WRITE, "/", req());
    assert.ok(!d.allow);
  });

  test("after a sandboxed failure: a note for the model, or (on-failure + yes) a plain rerun", async () => {
    const result = { exitCode: 1, output: "touch: cannot touch '/x': Read-only file system\n" } as RunResult;
    const note = await gate("never", "workspace-write").g.afterCommand(WRITE, "/ws", result, req());
    assert.match(
      note?.note ?? "",
      /^Note: this command ran in the workspace-write sandbox \(writable: \/ws \(read-only inside them: \/ws\/\.git\); network off\)\. The failure above may be the sandbox refusing it; running it outside/,
    );
    const other = { exitCode: 2, output: "syntax error\n" } as RunResult;
    assert.equal(
      await gate("never", "workspace-write").g.afterCommand(WRITE, "/ws", other, req()),
      undefined,
    );
    const { g } = gate("on-failure", "workspace-write", fakeSandbox, [{ decision: "yes" }]);
    assert.deepEqual(await g.afterCommand(WRITE, "/ws", result, req()), { rerunUnlaunched: true });
  });
});

describe("SafetyGate: patches", () => {
  const patch = (refused: PatchApprovalRequest["refused"] = []): PatchApprovalRequest => ({
    callId: "p1",
    cwd: "/ws",
    changes: [{ path: "a.txt", kind: "add" }],
    refused,
    signal: new AbortController().signal,
  });
  const outside = [{ path: "../x", message: "patch rejected: ../x is outside the writable roots (/ws)" }];

  test("inside the roots: applied, except under untrusted without a prompt", async () => {
    assert.deepEqual(await gate("never", "workspace-write").g.approvePatch(patch()), {
      allow: true,
      unrestricted: false,
    });
    const untrusted = await gate("untrusted", "workspace-write").g.approvePatch(patch());
    assert.ok(!untrusted.allow && /file edits need the user's approval/.test(untrusted.reason));
  });

  test("refused paths: the guard's message without a prompt; approval lifts the roots for this patch", async () => {
    assert.deepEqual(await gate("on-request", "workspace-write").g.approvePatch(patch(outside)), {
      allow: false,
      reason: outside[0].message,
    });
    const { g, asked } = gate("on-request", "workspace-write", fakeSandbox, [{ decision: "always" }]);
    assert.deepEqual(await g.approvePatch(patch(outside)), { allow: true, unrestricted: true });
    assert.deepEqual(await g.approvePatch(patch(outside)), { allow: true, unrestricted: true });
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0].kind === "patch" && asked[0].outsidePaths, ["../x"]);
  });
});
