// The trust prompt on the first start in a directory and the `/approvals` presets, through the built CLI in a
// real terminal (tmux) against the gateway simulator. Each test has its own tmux server, simulator, workspace
// and CODEX_HOME, all removed in `finally`.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { trustToml } from "../helpers/e2e.ts";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

const skip = HAVE_TMUX ? false : "tmux is not installed";
const TRUST = "You are running codex-litellm in";

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const touch = (id: string, file: string, extra: object = {}) => ({
  text: "Running it.",
  tool_calls: [{ id, name: "shell", arguments: { command: ["bash", "-lc", `touch ${file}`], ...extra } }],
});

test("first start: the trust prompt; No records untrusted and commands then ask; the next start does not ask", {
  skip,
}, async () => {
  const s = await tuiSession(
    { responses: [touch("c1", "made.txt"), { text: "Made it." }] },
    { trust: false },
  );
  let term = s.start();
  try {
    const screen = await term.waitFor(TRUST);
    assert.match(screen, new RegExp(`You are running codex-litellm in ${literal(s.ws.dir)}\\n`));
    assert.match(screen, /Since this folder is version controlled/);
    assert.match(screen, /› 1\. Yes, allow codex-litellm to work in this folder without asking for approval/);
    assert.match(screen, / {2}2\. No, ask me to approve edits and commands/);
    assert.equal(s.readOwnConfig(), undefined, "nothing is written before the choice");
    term.type("2");
    await term.waitFor("› 2. No, ask me to approve edits and commands");
    term.keys("Enter");
    const ready = await term.waitFor(READY);
    assert.doesNotMatch(ready, /You are running codex-litellm/, "the prompt does not stay on screen");
    assert.equal(s.readOwnConfig(), trustToml(s.ws.dir, "untrusted"));
    assert.equal(s.readConfig(), undefined, "config.toml is stock Codex's");

    await term.submit("make a file");
    await term.waitFor("Allow this command to run?");
    term.type("y");
    await term.waitFor("Made it.");
    assert.ok(existsSync(join(s.ws.dir, "made.txt")));
    await term.submit("/status");
    await term.waitFor(/Approval:\s+untrusted/);
    await term.submit("/quit");
    await term.waitFor("[exit 0]");
    term.kill();

    // The decision is recorded: the second start goes straight to the chat.
    term = s.start();
    const second = await term.waitFor(READY);
    assert.doesNotMatch(second, /You are running codex-litellm/);
    await term.submit("/status");
    await term.waitFor(/Approval:\s+untrusted/);
  } finally {
    term.kill();
    await s.close();
  }
});

test("trust prompt: Esc quits writing nothing; Yes records trusted in our own file, config.toml untouched", {
  skip,
}, async () => {
  const s = await tuiSession({ responses: [] }, { trust: false });
  const original = '# my settings\nmodel = "sim-model"   # kept as is\n\n[profiles.other]\nmodel = "x"\n';
  writeFileSync(s.config, original);
  let term = s.start([]);
  try {
    await term.waitFor(TRUST);
    term.keys("Escape");
    await term.waitFor("[exit 0]");
    assert.equal(s.readConfig(), original);
    assert.equal(s.readOwnConfig(), undefined);
    term.kill();

    term = s.start([]);
    await term.waitFor("› 1. Yes");
    term.keys("Down");
    await term.waitFor("› 2. No");
    term.keys("Up");
    await term.waitFor("› 1. Yes");
    term.keys("Enter");
    await term.waitFor(READY);
    assert.equal(s.readConfig(), original);
    assert.equal(s.readOwnConfig(), trustToml(s.ws.dir, "trusted"));
    await term.submit("/status");
    const status = await term.waitFor(/Approval:\s+on-request/);
    assert.match(status, /Sandbox:\s+workspace-write/);
  } finally {
    term.kill();
    await s.close();
  }
});

test("no prompt outside a terminal, in exec, or when -a/-s/approval_policy decide; a plain folder defaults to No", {
  skip,
}, async () => {
  const s = await tuiSession({ responses: [{ text: "Done." }] }, { git: false, trust: false });
  let term = s.start(["-m", "sim-model", "-s", "workspace-write"]);
  try {
    await term.waitFor(READY);
    term.kill();
    writeFileSync(s.config, 'approval_policy = "on-request"\n');
    term = s.start();
    await term.waitFor(READY);
    term.kill();
    writeFileSync(s.config, "");

    const exec = await runCli(["exec", "--skip-git-repo-check", "-m", "sim-model", "hi"], {
      cwd: s.ws.dir,
      env: s.env,
    });
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, "Done.\n");
    const piped = await runCli(["-m", "sim-model"], { cwd: s.ws.dir, env: s.env });
    assert.equal(piped.code, 1);
    assert.match(piped.stderr, /the interactive TUI needs a terminal/);
    assert.equal(s.readOwnConfig(), undefined, "neither wrote a trust decision");

    // Not version controlled: the folder itself is the project and "No" is offered first.
    term = s.start();
    const screen = await term.waitFor(TRUST);
    assert.match(screen, new RegExp(`You are running codex-litellm in ${literal(s.ws.dir)}\\n`));
    assert.match(screen, /Since this folder is not version controlled/);
    assert.match(screen, /› 2\. No/);
    term.keys("C-c");
    await term.waitFor("[exit 0]");
    assert.equal(s.readOwnConfig(), undefined);
  } finally {
    term.kill();
    await s.close();
  }
});

test("exec in an untrusted folder keeps exec's never-prompt policy", async () => {
  const s = await tuiSession({ responses: [{ text: "Done." }] }, { trust: false });
  try {
    writeFileSync(s.config, trustToml(s.ws.dir, "untrusted"));
    const r = await runCli(["exec", "-m", "sim-model", "hi"], { cwd: s.ws.dir, env: s.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /approval: never/);
    const explicit = await runCli(["exec", "-m", "sim-model", "-a", "untrusted", "hi"], {
      cwd: s.ws.dir,
      env: s.env,
    });
    assert.match(explicit.stderr, /approval: untrusted/);
  } finally {
    await s.close();
  }
});

test("/approvals: Full Access runs what needed approval without a prompt; /status and the model see it", {
  skip,
}, async () => {
  const escalated = { sandbox_permissions: "require_escalated", justification: "needs it" };
  const s = await tuiSession({
    responses: [
      touch("c1", "first.txt", escalated),
      { text: "Done one." },
      touch("c2", "second.txt", escalated),
      { text: "Done two." },
    ],
  });
  const before = s.readConfig();
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("first");
    await term.waitFor("Allow this command to run?");
    term.type("y");
    await term.waitFor("Done one.");

    await term.submit("/approvals");
    const picker = await term.waitFor("Select Approval Mode");
    assert.match(picker, /Read Only {2}reads files; asks before editing them/);
    assert.match(picker, /› Auto \(current\)/);
    assert.match(picker, /Full Access {2}edits anywhere/);
    term.keys("Down");
    await term.waitFor("› Full Access");
    term.keys("Enter");
    await term.waitFor("Permissions set to Full Access (danger-full-access, approval never)");

    await term.submit("second");
    const done = await term.waitFor("Done two.");
    assert.ok(existsSync(join(s.ws.dir, "second.txt")));
    assert.equal(done.match(/approved this time/g)?.length, 1, "only the first command was asked about");
    const toolMessage = s.chatBodies()[3].messages.at(-1);
    assert.equal(toolMessage.role, "tool");
    assert.match(toolMessage.content, /^Exit code: 0/);
    // The model is told the new permissions before the second prompt.
    const context = s
      .chatBodies()[2]
      .messages.filter((m: any) => m.role === "user" && /<environment_context>/.test(m.content));
    assert.equal(context.length, 2);
    assert.match(context[1].content, /<approval_policy>never<\/approval_policy>/);
    assert.match(context[1].content, /<sandbox_mode>danger-full-access<\/sandbox_mode>/);

    await term.submit("/status");
    const status = await term.waitFor(/Approval:\s+never/);
    assert.match(status, /Sandbox:\s+danger-full-access \(no sandbox\)/);
    await term.submit("/approvals");
    await term.waitFor("› Full Access (current)");
    term.keys("Escape");
    await term.waitFor(READY);
    assert.equal(s.readConfig(), before, "the choice is not saved");
  } finally {
    term.kill();
    await s.close();
  }
});
