// What runs leave on disk when they overlap or the disk fails: one debug log per run, cut lines never glued to
// the next record, no empty or temporary files after a full disk, one process at a time per session.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import { listRollouts, readRecords, writeSession } from "../helpers/rollouts.ts";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { tuiSession } from "../helpers/tui.ts";

const FAST = ["-c", "model_providers.litellm.stream_idle_timeout_ms=5000"];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

async function until(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A lock file as a live process (this test runner) would hold it. */
function liveLock(rollout: string): void {
  const stat = readFileSync(`/proc/${process.pid}/stat`, "utf8");
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  const boot = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
  writeFileSync(`${rollout}.lock`, JSON.stringify({ pid: process.pid, started: boot * 1000 + ticks * 10 }));
}

describe("files of overlapping runs", () => {
  test("runs started together write one debug log each, every line carrying its session id", async () => {
    const t = await e2e({ responses: [{ text: "one" }, { text: "two" }] });
    try {
      const runs = await Promise.all([
        t.run(["exec", "--json", "-m", "m", "first"]),
        t.run(["exec", "--json", "-m", "m", "second"]),
      ]);
      const ids = runs.map((r) => {
        assert.equal(r.code, 0, r.stderr);
        return jsonLines(r.stdout)[0].thread_id;
      });
      const logs = join(t.ws.home, "logs");
      const debug = readdirSync(logs).filter((n) => n.endsWith(".log"));
      assert.equal(debug.length, 2, debug.join(", "));
      const owners = debug.map((name) => {
        const lines = jsonLines(readFileSync(join(logs, name), "utf8"));
        const sessions = new Set(lines.map((l) => l.session_id));
        assert.equal(sessions.size, 1, `${name}: ${[...sessions].join(", ")}`);
        return [...sessions][0];
      });
      assert.deepEqual(owners.sort(), ids.sort());
    } finally {
      await t.close();
    }
  });

  test("a last line cut by a full disk is ended before the next record", async () => {
    const t = await e2e({ responses: [{ text: "fine" }] });
    try {
      const logs = join(t.ws.home, "logs");
      mkdirSync(logs, { recursive: true });
      const usageLog = join(logs, "codex-litellm-session.jsonl");
      const history = join(t.ws.home, "history.jsonl");
      writeFileSync(usageLog, '{"ts":"2026-01-01T00:00:00.000Z","session_id":"cut');
      writeFileSync(history, '{"session_id":"x","ts":1,"text":"cut');
      const r = await t.run(["exec", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      for (const file of [usageLog, history]) {
        const lines = readFileSync(file, "utf8").split("\n");
        assert.equal(lines.at(-1), "", `${file} ends with a newline`);
        assert.match(lines[0], /cut$/, "the cut line stays as it was, alone");
        for (const line of lines.slice(1, -1)) JSON.parse(line);
        assert.equal(lines.length, 3, readFileSync(file, "utf8"));
      }
    } finally {
      await t.close();
    }
  });
});

const canMount = process.getuid?.() === 0 && spawnSync("mount", ["--version"]).status === 0;

describe("a full disk at start", { skip: !canMount && "needs root to mount a small tmpfs" }, () => {
  test("leaves no empty files and no temporary files behind", async () => {
    const t = await e2e({
      responses: [
        { text: "listing", tool_calls: [{ id: "call_1", name: "shell", arguments: { command: ["true"] } }] },
        { text: "done anyway" },
      ],
    });
    const home = join(t.ws.tmp, "full-home");
    mkdirSync(home);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", home]).status === 0;
    try {
      if (!mounted) return; // a container without CAP_SYS_ADMIN: nothing to test here
      writeFileSync(join(home, "config.toml"), readFileSync(join(t.ws.home, "config.toml")));
      // Fill the disk: the last write fails with ENOSPC, whatever fitted stays.
      spawnSync("sh", ["-c", `head -c 1000000 /dev/zero > ${join(home, "filler")}`]);
      const before = new Set(filesUnder(home));
      const r = await t.run(["exec", "-m", "m", "go"], { env: { CODEX_HOME: home } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "done anyway\n");
      assert.match(r.stderr, /could not (open|write) the session file/);
      const left = filesUnder(home).filter((f) => !before.has(f));
      const debris = left.filter((f) => statSync(f).size === 0 || f.endsWith(".tmp") || f.endsWith(".lock"));
      assert.deepEqual(debris, [], `left behind: ${left.join(", ")}`);
      // Whatever was written is whole lines.
      for (const file of left.filter((f) => f.endsWith(".jsonl"))) {
        for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) JSON.parse(line);
      }
    } finally {
      if (mounted) spawnSync("umount", [home]);
      await t.close();
    }
  });
});

describe("one process per session", () => {
  test("a second `exec resume` of a session in use is refused; the lock goes with the first", async () => {
    const t = await e2e({
      responses: [
        { text: "started" },
        { text: "never", fault: { hang_before_headers: true } },
        { text: "third time" },
      ],
    });
    try {
      const first = await t.run(["exec", "--json", "-m", "m", "start"]);
      assert.equal(first.code, 0, first.stderr);
      const id = jsonLines(first.stdout)[0].thread_id;
      const [rollout] = listRollouts(t.ws.home);

      let holder = 0;
      const a = t.run(["exec", "resume", id, "-m", "m", ...FAST, "A"], {
        onSpawn: (child) => {
          holder = child.pid ?? 0;
        },
      });
      await until("A's request", () => t.chatBodies().length === 2);
      assert.ok(existsSync(`${rollout}.lock`));
      // Refused before the prompt is read: B's stdin stays open, and it does not wait for it.
      const b = await t.run(["exec", "resume", id, "-m", "m", "-"], {
        keepStdinOpen: true,
        timeoutMs: 10_000,
      });
      assert.equal(b.code, 1, b.stderr);
      assert.match(b.stderr, new RegExp(`session ${id} is in use by process ${holder}\\b`));
      assert.equal(t.chatBodies().length, 2, "B sent nothing");

      process.kill(holder, "SIGTERM");
      assert.equal((await a).code, 143);
      assert.ok(!existsSync(`${rollout}.lock`), "released on a signal");

      const c = await t.run(["exec", "resume", "--last", "-m", "m", "C"]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(c.stdout, "third time\n");
      assert.ok(!existsSync(`${rollout}.lock`), "released at the end");
      const prompts = readRecords(rollout)
        .filter((r) => r.type === "event_msg" && r.payload.type === "user_message")
        .map((r) => r.payload.message);
      assert.deepEqual(prompts, ["start", "A", "C"]);
    } finally {
      await t.close();
    }
  });

  test("`exec fork` locks the fork it records into: resuming the fork is refused meanwhile, the original is not", async () => {
    const t = await e2e({
      responses: [
        { text: "started" },
        { text: "never", fault: { hang_before_headers: true } },
        { text: "original resumed" },
      ],
    });
    try {
      const first = await t.run(["exec", "--json", "-m", "m", "start"]);
      assert.equal(first.code, 0, first.stderr);
      const id = jsonLines(first.stdout)[0].thread_id;
      const [original] = listRollouts(t.ws.home);

      let holder = 0;
      const a = t.run(["exec", "fork", id, "-m", "m", ...FAST, "A"], {
        onSpawn: (child) => {
          holder = child.pid ?? 0;
        },
      });
      await until("A's request", () => t.chatBodies().length === 2);
      const fork = listRollouts(t.ws.home).find((p) => p !== original) as string;
      assert.ok(fork, listRollouts(t.ws.home).join("\n"));
      const forkId = readRecords(fork)[0].payload.id as string;
      assert.equal(JSON.parse(readFileSync(`${fork}.lock`, "utf8")).pid, holder, "the fork is locked by A");
      assert.ok(!existsSync(`${original}.lock`), "the original is only read");

      const b = await t.run(["exec", "resume", forkId, "-m", "m", "B"]);
      assert.equal(b.code, 1, b.stderr);
      assert.match(b.stderr, new RegExp(`session ${forkId} is in use by process ${holder}\\b`));
      assert.equal(t.chatBodies().length, 2, "B sent nothing");

      const c = await t.run(["exec", "resume", id, "-m", "m", "C"]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(c.stdout, "original resumed\n");

      process.kill(holder, "SIGTERM");
      assert.equal((await a).code, 143);
      assert.ok(!existsSync(`${fork}.lock`), "released on a signal");
    } finally {
      await t.close();
    }
  });

  test("a fork refused by a check writes nothing: no fork, no lock", async () => {
    const t = await e2e({ responses: [] });
    try {
      const id = "019a44bc-4444-7000-8000-00000000f0e1";
      // A stored session that names no model, and none is configured: exec cannot run it.
      writeSession(t.ws.home, {
        id,
        start: new Date(2025, 10, 2, 12),
        records: [
          { type: "session_meta", payload: { id, timestamp: "2025-11-02T12:00:00.000Z", cwd: t.ws.dir } },
        ],
      });
      const before = filesUnder(t.ws.home);
      const noModel = await t.run(["exec", "fork", id, "go"]);
      assert.equal(noModel.code, 1, noModel.stderr);
      assert.match(noModel.stderr, /no model configured/);
      const badOutput = await t.run([
        "exec",
        "fork",
        id,
        "-m",
        "m",
        "-o",
        join(t.ws.tmp, "no", "such", "out"),
        "go",
      ]);
      assert.equal(badOutput.code, 1, badOutput.stderr);
      assert.match(badOutput.stderr, /cannot write/);
      assert.deepEqual(filesUnder(t.ws.home), before);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("a lock left by a process that is gone is taken over", async () => {
    const t = await e2e({ responses: [{ text: "started" }, { text: "resumed" }] });
    try {
      const first = await t.run(["exec", "-m", "m", "start"]);
      assert.equal(first.code, 0, first.stderr);
      const [rollout] = listRollouts(t.ws.home);
      const dead = spawnSync("true").pid;
      writeFileSync(`${rollout}.lock`, JSON.stringify({ pid: dead, started: Date.now() }));
      const r = await t.run(["exec", "resume", "--last", "-m", "m", "again"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "resumed\n");
      assert.ok(!existsSync(`${rollout}.lock`));
    } finally {
      await t.close();
    }
  });

  test("the TUI's resume is refused too", { skip: !HAVE_TMUX && "tmux is not installed" }, async () => {
    const s = await tuiSession({ responses: [{ text: "started" }] });
    try {
      const first = await s.run(["exec", "-m", "sim-model", "start"]);
      assert.equal(first.code, 0, first.stderr);
      const [rollout] = listRollouts(s.ws.home);
      liveLock(rollout);
      const term = s.start(["resume", "--last", "-m", "sim-model"]);
      try {
        const screen = await term.waitFor("[exit 1]");
        assert.match(screen, new RegExp(`is in use by process ${process.pid}\\b`));
      } finally {
        term.kill();
      }
    } finally {
      await s.close();
    }
  });
});
