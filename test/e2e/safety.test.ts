// Safety end to end: the built CLI, the gateway simulator scripting tool calls, a real git workspace with a
// private TMPDIR (test/helpers/workspace.ts), and bubblewrap where the machine has it (CI installs it).
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { detectSandbox } from "../../src/tools/sandbox/detect.ts";
import { type E2E, e2e, jsonLines, TEST_KEY } from "../helpers/e2e.ts";
import type { Scenario, ScriptedToolCall } from "../simulator/scenario.ts";

const bwrap = detectSandbox().available;
const integration = {};
/** Tests asserting what only a real sandbox does; CI installs bubblewrap, so they run there. */
const integrationWithBwrap = bwrap ? integration : { skip: "bubblewrap is not usable on this machine" };
/** Keeps the sibling directory of the workspace (under /tmp, like the workspace) outside the writable roots. */
const NO_SLASH_TMP = ["-c", "sandbox_workspace_write.exclude_slash_tmp=true"];

interface Paths {
  dir: string;
  /** `<base>/sibling`, next to the workspace. */
  sibling: string;
  /** The simulator's port, for connection attempts. */
  port: string;
  /** $CODEX_HOME, under /tmp like the workspace (so inside a writable root by default). */
  home: string;
}

/** One round of tool calls, then a final answer. */
const calls = (...toolCalls: ScriptedToolCall[]): Scenario => ({
  responses: [{ tool_calls: toolCalls }, { text: "done" }],
});
const shell = (command: string[] | string, extra: object = {}): ScriptedToolCall => ({
  name: "shell",
  arguments: { command, ...extra },
});
const addFile = (path: string, line = "x"): ScriptedToolCall => ({
  name: "apply_patch",
  arguments: { input: `*** Begin Patch\n*** Add File: ${path}\n+${line}\n*** End Patch` },
});

/**
 * Runs `body` against a fresh fixture whose scenario is built from its paths. The simulator reads its
 * scenario object at each request, so the responses can be filled in after it started.
 */
async function withE2E(build: (p: Paths) => Scenario, body: (t: E2E, p: Paths) => Promise<void>) {
  const scenario: Scenario = { responses: [] };
  const t = await e2e(scenario);
  try {
    const paths = {
      dir: t.ws.dir,
      sibling: join(dirname(t.ws.dir), "sibling"),
      port: new URL(t.sim.origin).port,
      home: t.ws.home,
    };
    mkdirSync(paths.sibling);
    scenario.responses.push(...build(paths).responses);
    await body(t, paths);
  } finally {
    await t.close();
  }
}

/** Runs `exec --json`; returns the completed items and the tool messages the model received. */
async function execJson(t: E2E, flags: string[] = [], env: Record<string, string> = {}) {
  const r = await t.run(["exec", "--json", "-m", "sim-model", ...flags, "go"], { env });
  assert.equal(r.code, 0, r.stderr);
  const items = jsonLines(r.stdout)
    .filter((e) => e.type === "item.completed")
    .map((e) => e.item);
  const last = t.chatBodies().at(-1);
  const toolMessages: string[] = last.messages
    .filter((m: any) => m.role === "tool")
    .map((m: any) => m.content);
  return { r, items, toolMessages, commands: items.filter((i) => i.type === "command_execution") };
}

describe("safety: apply_patch stays inside the writable roots", () => {
  test("../ and absolute paths outside the workspace are refused with a message the model can act on", () =>
    withE2E(
      (p) =>
        calls(addFile("../escape.txt"), addFile(join(p.sibling, "abs.txt")), addFile("inside.txt", "ok")),
      async (t, p) => {
        // The workspace lives under /tmp, a writable root by default (as in Codex): exclude it here.
        const { items, toolMessages } = await execJson(t, NO_SLASH_TMP);
        assert.match(toolMessages[0], /^patch rejected: \.\.\/escape\.txt is outside the writable roots \(/);
        assert.match(toolMessages[0], /write only inside the workspace$/);
        assert.match(
          toolMessages[1],
          /^patch rejected: \/.*\/sibling\/abs\.txt is outside the writable roots/,
        );
        assert.equal(toolMessages[2], "Success. Updated the following files:\nA inside.txt");
        assert.ok(!existsSync(join(p.dir, "..", "escape.txt")) && !existsSync(join(p.sibling, "abs.txt")));
        assert.deepEqual(
          items.filter((i) => i.type === "file_change").map((i) => i.status),
          ["failed", "failed", "completed"],
        );
      },
    ));

  test("deleting or moving a link outside the roots that points inside is refused", () =>
    withE2E(
      () =>
        calls(
          {
            name: "apply_patch",
            arguments: { input: "*** Begin Patch\n*** Delete File: ../sibling/link\n*** End Patch" },
          },
          {
            name: "apply_patch",
            arguments: {
              input:
                "*** Begin Patch\n*** Update File: ../sibling/link\n*** Move to: moved.txt\n@@\n-a\n+b\n*** End Patch",
            },
          },
        ),
      async (t, p) => {
        writeFileSync(join(p.dir, "target.txt"), "a\n");
        symlinkSync(join(p.dir, "target.txt"), join(p.sibling, "link"));
        const { toolMessages } = await execJson(t, NO_SLASH_TMP);
        for (const m of toolMessages)
          assert.match(m, /^patch rejected: \.\.\/sibling\/link .*outside the writable roots/);
        assert.ok(lstatSync(join(p.sibling, "link")).isSymbolicLink());
        assert.equal(readFileSync(join(p.dir, "target.txt"), "utf8"), "a\n");
        assert.equal(existsSync(join(p.dir, "moved.txt")), false);
      },
    ));

  test("read-only refuses every patch: the sandbox is read-only", () =>
    withE2E(
      () => calls(addFile("new.txt")),
      async (t, p) => {
        const { toolMessages } = await execJson(t, ["-s", "read-only"]);
        assert.match(
          toolMessages[0],
          /^patch rejected: the sandbox is read-only \(sandbox_mode = read-only\)/,
        );
        assert.equal(existsSync(join(p.dir, "new.txt")), false);
      },
    ));

  test(".git inside the workspace is refused in workspace-write", integration, () =>
    withE2E(
      () => calls(addFile(".git/hooks/pre-commit", "#!/bin/sh")),
      async (t, p) => {
        const { toolMessages } = await execJson(t);
        assert.match(
          toolMessages[0],
          /^patch rejected: \.git\/hooks\/pre-commit is inside .*\.git, which stays read-only/,
        );
        assert.equal(existsSync(join(p.dir, ".git", "hooks", "pre-commit")), false);
      },
    ),
  );
});

describe("safety: $CODEX_HOME", () => {
  const dangerous = 'sandbox_mode = "danger-full-access"';
  const patch = (path: string) => ({
    name: "apply_patch",
    arguments: { input: `*** Begin Patch\n*** Add File: ${path}\n+${dangerous}\n*** End Patch` },
  });

  test("inside a writable root (/tmp), it is read-only to commands and patches", integration, () =>
    withE2E(
      (p) =>
        calls(
          shell(["bash", "-c", `echo '${dangerous}' >> ${p.home}/config.toml; echo x > ${p.home}/new.toml`]),
          patch(join(p.home, "config.toml")),
          patch(join(p.home, "codex-litellm.config.toml")),
        ),
      async (t, p) => {
        const { commands, toolMessages } = await execJson(t);
        assert.notEqual(commands[0].exit_code, 0);
        for (const message of toolMessages.slice(1))
          assert.match(message, /^patch rejected: .* inside .*home, which stays read-only/);
        assert.doesNotMatch(readFileSync(join(p.home, "config.toml"), "utf8"), /danger/);
        for (const name of ["new.toml", "codex-litellm.config.toml"])
          assert.equal(existsSync(join(p.home, name)), false, name);
      },
    ),
  );

  test("the key files (.env, auth.json) are unreadable to commands and patches", integrationWithBwrap, () =>
    withE2E(
      (p) =>
        calls(
          shell([
            "bash",
            "-c",
            `cat ${p.home}/.env ${p.home}/auth.json; grep -r --exclude-dir=sessions -e -marker ${p.home}; echo end`,
          ]),
          {
            name: "apply_patch",
            arguments: {
              input: `*** Begin Patch\n*** Update File: ${p.home}/.env\n*** Move to: leak.txt\n@@\n-EXTRA_KEY=dotenv-marker\n+x\n*** End Patch`,
            },
          },
        ),
      async (t, p) => {
        writeFileSync(join(p.home, ".env"), `LITELLM_API_KEY=${TEST_KEY}\nEXTRA_KEY=dotenv-marker\n`);
        writeFileSync(join(p.home, "auth.json"), '{"OPENAI_API_KEY": "auth-json-marker"}\n');
        const { commands, toolMessages } = await execJson(t);
        assert.equal(commands[0].exit_code, 0);
        assert.match(commands[0].aggregated_output, /^cat: .*\/\.env: Permission denied\n[\s\S]*end\n$/);
        assert.match(toolMessages[1], /^patch rejected: .*\.env .*which stays read-only/);
        assert.equal(existsSync(join(p.dir, "leak.txt")), false);
        for (const m of toolMessages)
          for (const secret of [TEST_KEY, "dotenv-marker", "auth-json-marker"])
            assert.ok(!m.includes(secret), m);
      },
    ),
  );
});

describe("safety: the command environment", () => {
  test("`env` shows neither the gateway key nor *_TOKEN / *SECRET* variables", () =>
    withE2E(
      () => calls(shell(["env"])),
      async (t) => {
        const secrets = { GITHUB_TOKEN: "ghp-e2e", MY_SECRET_THING: "s3", PLAIN_VAR: "visible" };
        const { commands } = await execJson(t, [], secrets);
        const out: string = commands[0].aggregated_output;
        assert.match(out, /^PLAIN_VAR=visible$/m);
        for (const secret of [TEST_KEY, "LITELLM_API_KEY", "GITHUB_TOKEN", "ghp-e2e", "MY_SECRET_THING"])
          assert.ok(!out.includes(secret), secret);
      },
    ));

  test(
    "sandboxed commands see CODEX_SANDBOX=bwrap and CODEX_SANDBOX_NETWORK_DISABLED=1",
    integrationWithBwrap,
    () =>
      withE2E(
        () => calls(shell(["bash", "-c", "echo $CODEX_SANDBOX $CODEX_SANDBOX_NETWORK_DISABLED"])),
        async (t) => {
          const { commands } = await execJson(t);
          assert.equal(commands[0].aggregated_output, "bwrap 1\n");
        },
      ),
  );
});

describe("safety: the sandbox", () => {
  test("read-only: `touch x` fails (or is declined) and no file appears", integration, () =>
    withE2E(
      () => calls(shell(["touch", "x"])),
      async (t, p) => {
        const { commands, toolMessages } = await execJson(t, ["-s", "read-only"]);
        assert.ok(commands[0].status === "failed" || commands[0].status === "declined", commands[0].status);
        assert.match(toolMessages[0], /Read-only file system|declined/);
        assert.equal(existsSync(join(p.dir, "x")), false);
      },
    ),
  );

  test(
    "workspace-write: writes inside; a sibling directory and .git are read-only",
    integrationWithBwrap,
    () =>
      withE2E(
        (p) =>
          calls(
            shell(["touch", "inside.txt"]),
            shell(["touch", join(p.sibling, "out.txt")]),
            shell(["bash", "-c", "echo evil > .git/hooks/post-checkout"]),
          ),
        async (t, p) => {
          const { commands, toolMessages } = await execJson(t, NO_SLASH_TMP);
          assert.deepEqual(
            commands.map((c) => c.exit_code),
            [0, 1, 1],
          );
          assert.ok(existsSync(join(p.dir, "inside.txt")));
          assert.ok(!existsSync(join(p.sibling, "out.txt")));
          assert.ok(!existsSync(join(p.dir, ".git", "hooks", "post-checkout")));
          assert.match(toolMessages[1], /Read-only file system/);
          assert.match(toolMessages[1], /Note: this command ran in the workspace-write sandbox/);
        },
      ),
  );

  test("network is off by default", integration, () =>
    withE2E(
      (p) => calls(shell(["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${p.port} && echo CONNECTED`])),
      async (t) => {
        const { commands } = await execJson(t);
        assert.notEqual(commands[0].exit_code, 0);
        assert.doesNotMatch(commands[0].aggregated_output, /CONNECTED/);
      },
    ),
  );

  test("network is on with sandbox_workspace_write.network_access=true", integrationWithBwrap, () =>
    withE2E(
      (p) => calls(shell(["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${p.port} && echo CONNECTED`])),
      async (t) => {
        const { commands } = await execJson(t, ["-c", "sandbox_workspace_write.network_access=true"]);
        assert.equal(commands[0].exit_code, 0);
        assert.equal(commands[0].aggregated_output, "CONNECTED\n");
      },
    ),
  );

  test("a timeout is exit code 124 and says so", () =>
    withE2E(
      () => calls(shell(["bash", "-c", "echo before; sleep 20"], { timeout_ms: 400 })),
      async (t) => {
        const { commands, toolMessages } = await execJson(t);
        assert.equal(commands[0].exit_code, 124);
        assert.match(toolMessages[0], /^Exit code: 124\n[\s\S]*command timed out after 400 ms\nbefore\n/);
      },
    ));

  test("a huge timeout_ms (2^31, 1e308) is clamped to shell_timeout_max_ms", () =>
    withE2E(
      () =>
        calls(
          shell(["bash", "-c", "echo started; sleep 10"], { timeout_ms: 2 ** 31 }),
          shell(["bash", "-c", "echo started; sleep 10"], { timeout_ms: 1e308 }),
        ),
      async (t) => {
        const { commands, toolMessages } = await execJson(t, ["-c", "shell_timeout_max_ms=300"]);
        assert.deepEqual(
          commands.map((c) => c.exit_code),
          [124, 124],
        );
        for (const m of toolMessages) assert.match(m, /command timed out after 300 ms\nstarted\n/);
      },
    ));

  test("a command printing 300 MB completes with bounded memory", () =>
    withE2E(
      () => calls(shell(["bash", "-c", "yes | head -c 300000000"])),
      async (t) => {
        let peak = 0;
        const r = await t.run(["exec", "--json", "-m", "sim-model", "go"], {
          timeoutMs: 60_000,
          onSpawn: (child) => watchRss(child, (kb) => (peak = Math.max(peak, kb))),
        });
        assert.equal(r.code, 0, r.stderr);
        const cmd = jsonLines(r.stdout).find(
          (e) => e.type === "item.completed" && e.item.type === "command_execution",
        );
        assert.equal(cmd.item.exit_code, 0);
        assert.match(cmd.item.aggregated_output, /…298951424 bytes truncated…/);
        assert.ok(peak > 0, "RSS was sampled");
        assert.ok(peak < 200 * 1024, `peak RSS ${Math.round(peak / 1024)} MiB`);
        const sent = t.chatBodies().at(-1).messages.at(-1).content as string;
        assert.ok(sent.length < 12 * 1024, `the model got ${sent.length} chars`);
        assert.match(sent, /^Exit code: 0\n[\s\S]*Total output lines: 150000000\n/);
      },
    ));

  test("--yolo runs unsandboxed: writes anywhere, no sandbox markers", () =>
    withE2E(
      (p) => calls(shell(["bash", "-c", `touch ${p.sibling}/yolo.txt; echo "[\${CODEX_SANDBOX:-none}]"`])),
      async (t, p) => {
        const { commands } = await execJson(t, ["--yolo"]);
        assert.equal(commands[0].aggregated_output, "[none]\n");
        assert.ok(existsSync(join(p.sibling, "yolo.txt")));
      },
    ));
});

describe("safety: what exec says", () => {
  test("the header names the sandbox; --yolo and --full-auto map to their modes", integration, () =>
    withE2E(
      () => ({ responses: [{ text: "a" }, { text: "b" }, { text: "c" }, { text: "d" }] }),
      async (t) => {
        const plain = await t.run(["exec", "-m", "m", "hi"]);
        const expected = bwrap
          ? "workspace-write (bwrap, network off)"
          : "workspace-write (no sandbox available)";
        assert.ok(plain.stderr.includes(`sandbox: ${expected}\n`), plain.stderr);
        assert.match(plain.stderr, /approval: never\n/);
        if (!bwrap) assert.match(plain.stderr, /warning: no sandbox: /);
        const yolo = await t.run(["exec", "--yolo", "-m", "m", "hi"]);
        assert.match(yolo.stderr, /sandbox: danger-full-access \(no sandbox\)\n/);
        const auto = await t.run(["exec", "--full-auto", "-m", "m", "hi"]);
        assert.match(auto.stderr, /sandbox: workspace-write \(/);
        const ro = await t.run(["exec", "-s", "read-only", "-m", "m", "hi"]);
        assert.match(ro.stderr, /sandbox: read-only \(/);
      },
    ),
  );

  test("-a untrusted: known read-only commands run, others are declined with the reason", integration, () =>
    withE2E(
      () => calls(shell(["bash", "-lc", "ls && git status --short"]), shell(["touch", "nope.txt"])),
      async (t, p) => {
        const { commands, toolMessages } = await execJson(t, ["-a", "untrusted"]);
        assert.deepEqual(
          commands.map((c) => c.status),
          ["completed", "declined"],
        );
        assert.match(toolMessages[1], /^command declined and not run: approval_policy is "untrusted"/);
        assert.equal(existsSync(join(p.dir, "nope.txt")), false);
      },
    ),
  );
});

describe("safety: without a sandbox, only known read-only commands run", () => {
  /** A PATH without bwrap (outside every writable root, so its programs are trusted). */
  function bareBin(dir: string): string {
    mkdirSync(dir);
    for (const name of ["bash", "sh", "cat", "ls", "git", "uniq", "touch", "grep", "head"])
      symlinkSync(
        execFileSync("bash", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim(),
        join(dir, name),
      );
    return dir;
  }

  test("git with a planted fsmonitor, /proc/*/environ, uniq IN OUT and the key file are refused", () =>
    withE2E(
      (p) =>
        calls(
          shell(["bash", "-lc", "cd sub && git status"]),
          shell(["cat", "/proc/self/environ"]),
          shell(["bash", "-lc", `head -c 300 /proc/$PPID/environ`]),
          shell(["uniq", "a.txt", "out.txt"]),
          shell(["bash", "-lc", `cat ${p.home}/.env`]),
          shell(["bash", "-lc", "ls && cat a.txt"]),
        ),
      async (t, p) => {
        const pwned = join(p.sibling, "PWNED");
        execFileSync("git", ["init", "-q", join(p.dir, "sub")]);
        execFileSync("git", ["-C", join(p.dir, "sub"), "config", "core.fsmonitor", `touch ${pwned}; false`]);
        writeFileSync(join(p.dir, "a.txt"), "a\n");
        writeFileSync(join(p.home, ".env"), "EXTRA_KEY=dotenv-marker\n");
        const bin = bareBin(join(dirname(p.dir), "bin"));
        const { commands, toolMessages } = await execJson(t, NO_SLASH_TMP, { PATH: bin });
        assert.deepEqual(
          commands.map((c) => c.status),
          ["declined", "declined", "declined", "declined", "declined", "completed"],
        );
        for (const m of toolMessages.slice(0, 5))
          assert.match(m, /^command declined and not run: no sandbox/);
        assert.equal(toolMessages[5].split("Output:\n")[1], "a.txt\nsub\na\n");
        assert.equal(existsSync(pwned), false);
        assert.equal(existsSync(join(p.dir, "out.txt")), false);
        for (const m of toolMessages) assert.ok(!m.includes(TEST_KEY) && !m.includes("dotenv-marker"), m);
      },
    ));
});

/** Samples the child's resident set size (KiB) until it exits. */
function watchRss(child: ChildProcess, sample: (kb: number) => void): void {
  const timer = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      if (kb) sample(kb);
    } catch {
      // Exited between samples.
    }
  }, 25);
  child.on("exit", () => clearInterval(timer));
}
