// Signals end a run the way Ctrl-C does: the turn is aborted, the command's process group killed, telemetry
// flushed and `turn_aborted` recorded; the exit code is 128 + the signal's number. A second signal exits at once.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e } from "../helpers/e2e.ts";
import { listRollouts } from "../helpers/rollouts.ts";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

/** A unique `sleep` argument: the processes of one test are found by their command line. */
function marker(): string {
  return `1000.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}

/** Pids of live processes whose command line contains `sleep <mark>`. */
function sleepers(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (/\) Z /.test(stat)) continue; // a zombie is already dead
      if (argv.includes("sleep") && argv.includes(mark)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const parentOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One scripted `sleep` in the background and one in the foreground, both in the command's process group. */
function sleepScenario(mark: string) {
  const script = `sleep ${mark} & sleep ${mark}; wait`;
  return {
    responses: [
      {
        text: "waiting",
        tool_calls: [{ id: "call_s", name: "shell", arguments: { command: ["sh", "-c", script] } }],
      },
      { text: "never reached" },
    ],
  };
}

const parseAll = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l));

function debugLog(home: string): any[] {
  const dir = join(home, "logs");
  const name = readdirSync(dir).find((n) => n.endsWith(".log"));
  assert.ok(name, readdirSync(dir).join(", "));
  return parseAll(join(dir, name));
}

describe("signals during exec", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGHUP", 129],
    ["SIGINT", 130],
    ["SIGQUIT", 131],
  ] as const) {
    test(`${signal} while a command runs: group killed, turn aborted, logs flushed, exit ${code}`, async () => {
      const mark = marker();
      const t = await e2e(sleepScenario(mark));
      try {
        const r = await t.run(["exec", "--yolo", "-m", "m", "wait for it"], {
          onSpawn: (child) => {
            until("the sleeps", () => sleepers(mark).length === 2 || undefined).then(
              () => child.kill(signal),
              () => child.kill("SIGKILL"),
            );
          },
        });
        assert.equal(r.code, code, r.stderr);
        assert.equal(r.signal, null);
        assert.match(r.stderr, /turn interrupted/);
        // The group is killed before the process exits: nothing is left behind.
        assert.deepEqual(sleepers(mark), []);
        const debug = debugLog(t.ws.home);
        const kinds = debug.map((l) => l.kind);
        assert.ok(kinds.includes("agent.turn_aborted"), kinds.join(" "));
        assert.ok(
          debug.some((l) => l.kind === "process.signal" && l.signal === signal),
          kinds.join(" "),
        );
        assert.ok(kinds.includes("telemetry.stop"), "the log was closed, not cut");
        const [rollout] = listRollouts(t.ws.home);
        const records = parseAll(rollout);
        assert.equal(records.at(-1).payload.type, "turn_aborted");
        assert.equal(t.chatBodies().length, 1, "no request after the signal");
      } finally {
        await t.close();
      }
    });
  }

  test("a second signal while shutting down exits at once, and still kills the command's group", async () => {
    const mark = marker();
    // The command ignores SIGTERM, so the first signal's shutdown waits a grace period for SIGKILL.
    const script = `trap '' TERM; sleep ${mark} & sleep ${mark}; wait`;
    const t = await e2e({
      responses: [
        {
          text: "stubborn",
          tool_calls: [{ id: "call_t", name: "shell", arguments: { command: ["sh", "-c", script] } }],
        },
        { text: "never reached" },
      ],
    });
    try {
      const r = await t.run(["exec", "--yolo", "-m", "m", "go"], {
        onSpawn: (child) => {
          until("the sleeps", () => sleepers(mark).length === 2 || undefined).then(
            () => {
              child.kill("SIGTERM");
              // Well inside the 1 s grace the shutdown now waits (the sleeps ignore SIGTERM).
              setTimeout(() => child.kill("SIGHUP"), 200);
            },
            () => child.kill("SIGKILL"),
          );
        },
      });
      assert.equal(r.code, 143, r.stderr);
      assert.deepEqual(sleepers(mark), [], "the exit killed the group the grace period had not");
      const debug = debugLog(t.ws.home);
      const kinds = debug.map((l) => l.kind);
      assert.ok(kinds.includes("process.signal"), "buffered lines are flushed on the way out");
      assert.ok(!kinds.includes("telemetry.stop"), "exited before the orderly shutdown");
      for (const file of listRollouts(t.ws.home)) parseAll(file);
    } finally {
      await t.close();
    }
  });
});

describe("a closed stdout", () => {
  test("`exec --json … | head -1`: the run stops as SIGPIPE would stop it, exit 141, no stack trace", async () => {
    const mark = marker();
    const t = await e2e({
      responses: [
        {
          text: "first",
          tool_calls: [{ id: "c1", name: "shell", arguments: { command: ["sleep", "0.3"] } }],
        },
        {
          text: "second",
          tool_calls: [{ id: "c2", name: "shell", arguments: { command: ["sleep", mark] } }],
        },
        { text: "never reached" },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "--yolo", "-m", "m", "go"], {
        onSpawn: (child) => {
          // The reader goes away after the first line, as `head -1` does.
          child.stdout?.once("data", () => child.stdout?.destroy());
        },
      });
      assert.equal(r.code, 141, r.stderr);
      assert.doesNotMatch(r.stderr, /EPIPE|unexpected failure|\n\s+at /);
      assert.deepEqual(sleepers(mark), []);
      const [rollout] = listRollouts(t.ws.home);
      assert.equal(parseAll(rollout).at(-1).payload.type, "turn_aborted");
      assert.ok(t.chatBodies().length <= 2, "the run stopped");
    } finally {
      await t.close();
    }
  });
});

describe("signals in the TUI", { skip: !HAVE_TMUX && "tmux is not installed" }, () => {
  test("SIGTERM during a command: group killed, turn_aborted recorded, exit 143", async () => {
    const mark = marker();
    const s = await tuiSession(sleepScenario(mark), { args: ["--yolo", "-m", "sim-model"] });
    const term = s.start();
    try {
      await term.waitFor(READY);
      await term.submit("wait for it");
      const [pid] = await until("the sleeps", () =>
        sleepers(mark).length === 2 ? sleepers(mark) : undefined,
      );
      // The sleeps' parent is the shell the TUI spawned; its parent is the TUI.
      const tui = parentOf(parentOf(pid));
      process.kill(tui, "SIGTERM");
      await term.waitFor("[exit 143]");
      assert.deepEqual(sleepers(mark), []);
      const [rollout] = listRollouts(s.ws.home);
      assert.equal(parseAll(rollout).at(-1).payload.type, "turn_aborted");
      const kinds = debugLog(s.ws.home).map((l) => l.kind);
      assert.ok(kinds.includes("agent.turn_aborted"), kinds.join(" "));
    } finally {
      term.kill();
      await s.close();
    }
  });
});
