// Sessions end to end: rollout files, history.jsonl, `exec resume`, damaged and interrupted rollouts.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import { listRollouts, readRecords } from "../helpers/rollouts.ts";

const kinds = (recs: any[]) =>
  recs.map((r) =>
    r.type === "event_msg"
      ? `event:${r.payload.type}`
      : r.type === "response_item"
        ? `item:${r.payload.type}`
        : r.type,
  );

const FAST = ["-c", "model_providers.litellm.stream_idle_timeout_ms=5000"];

describe("sessions: the rollout file", () => {
  test("layout, mode 0600, session_meta first, records in order", async () => {
    const t = await e2e({
      responses: [
        { text: "listing", tool_calls: [{ id: "call_1", name: "shell", arguments: { command: ["true"] } }] },
        { text: "all done" },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "-m", "m", ...FAST, "do the thing"]);
      assert.equal(r.code, 0, r.stderr);
      const threadId = jsonLines(r.stdout)[0].thread_id;
      const files = listRollouts(t.ws.home);
      assert.equal(files.length, 1);
      const rel = relative(join(t.ws.home, "sessions"), files[0]);
      const m =
        /^(\d{4})\/(\d{2})\/(\d{2})\/rollout-(\d{4})-(\d{2})-(\d{2})T\d{2}-\d{2}-\d{2}-([0-9a-f-]{36})\.jsonl$/.exec(
          rel,
        );
      assert.ok(m, rel);
      assert.deepEqual([m[1], m[2], m[3]], [m[4], m[5], m[6]]);
      assert.equal(m[7], threadId);
      const now = new Date();
      assert.equal(Number(m[1]), now.getFullYear(), "local date");
      assert.equal(statSync(files[0]).mode & 0o777, 0o600);

      const recs = readRecords(files[0]);
      for (const rec of recs) {
        assert.match(rec.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        assert.ok(rec.payload && typeof rec.payload === "object");
      }
      const meta = recs[0];
      assert.equal(meta.type, "session_meta");
      assert.equal(meta.payload.id, threadId);
      assert.equal(meta.payload.cwd, t.ws.dir);
      assert.equal(meta.payload.originator, "codex-litellm");
      assert.match(meta.payload.cli_version, /^\d+\.\d+\.\d+/);
      assert.equal(meta.payload.model_provider, "litellm");
      assert.equal(meta.payload.model, "m");
      assert.deepEqual(kinds(recs), [
        "session_meta",
        "turn_context",
        "event:task_started",
        "event:user_message",
        "item:message",
        "item:message",
        "event:token_count",
        "item:message",
        "item:function_call",
        "event:agent_message",
        "item:function_call_output",
        "event:token_count",
        "item:message",
        "event:agent_message",
        "event:task_complete",
      ]);
      const turn = recs[1].payload;
      assert.equal(turn.cwd, t.ws.dir);
      assert.equal(turn.approval_policy, "never");
      assert.equal(turn.sandbox_policy.type, "workspace-write");
      assert.equal(turn.model, "m");
      assert.match(recs[4].payload.content[0].text, /^<environment_context>/);
      assert.equal(recs[5].payload.content[0].text, "do the thing");
      assert.equal(recs[8].payload.call_id, "call_1");
      assert.equal(recs[10].payload.call_id, "call_1");
      assert.equal(recs.at(-1).payload.last_agent_message, "all done");
      assert.equal(recs[6].payload.info.model_context_window, 130000);
    } finally {
      await t.close();
    }
  });

  test("git branch and commit in session_meta; --ephemeral writes nothing", async () => {
    const t = await e2e({ responses: [{ text: "a" }, { text: "b" }] });
    try {
      const { execFileSync } = await import("node:child_process");
      const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
          cwd: t.ws.dir,
        })
          .toString()
          .trim();
      git("checkout", "-q", "-b", "feature");
      git("commit", "-q", "--allow-empty", "-m", "init");
      const head = git("rev-parse", "HEAD");
      const r = await t.run(["exec", "-m", "m", "hi"]);
      assert.equal(r.code, 0, r.stderr);
      const meta = readRecords(listRollouts(t.ws.home)[0])[0].payload;
      assert.deepEqual(meta.git, { branch: "feature", commit_hash: head });

      const e = await t.run(["exec", "--ephemeral", "-m", "m", "secret prompt"]);
      assert.equal(e.code, 0, e.stderr);
      assert.equal(listRollouts(t.ws.home).length, 1, "no new rollout");
      assert.doesNotMatch(readFileSync(join(t.ws.home, "history.jsonl"), "utf8"), /secret prompt/);
    } finally {
      await t.close();
    }
  });

  test("history.jsonl: one line per prompt, 0600; none with history.persistence = none", async () => {
    const t = await e2e({ responses: [{ text: "a" }, { text: "b" }, { text: "c" }] });
    try {
      const a = await t.run(["exec", "--json", "-m", "m", "first prompt"]);
      const b = await t.run(["exec", "--json", "-m", "m", "-"], { input: "second\nprompt" });
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const path = join(t.ws.home, "history.jsonl");
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const lines = readFileSync(path, "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        lines.map((l) => [l.session_id, l.text]),
        [
          [jsonLines(a.stdout)[0].thread_id, "first prompt"],
          [jsonLines(b.stdout)[0].thread_id, "second\nprompt"],
        ],
      );
      const nowSec = Date.now() / 1000;
      for (const l of lines) assert.ok(Number.isInteger(l.ts) && Math.abs(l.ts - nowSec) < 120);
      const c = await t.run(["exec", "-m", "m", "-c", 'history.persistence="none"', "third"]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(readFileSync(path, "utf8").trimEnd().split("\n").length, 2);
      assert.equal(listRollouts(t.ws.home).length, 3, "the session itself is still recorded");
    } finally {
      await t.close();
    }
  });
});

describe("sessions: exec resume", () => {
  test("--last resends the whole conversation, appends to the same file, keeps the thread id", async () => {
    const t = await e2e({
      responses: [
        {
          text: "checking",
          tool_calls: [{ id: "call_r1", name: "shell", arguments: { command: ["true"] } }],
        },
        { text: "first answer" },
        { text: "second answer" },
        { text: "third answer" },
      ],
    });
    try {
      const first = await t.run(["exec", "--json", "-m", "m", "first task"]);
      assert.equal(first.code, 0, first.stderr);
      const id = jsonLines(first.stdout)[0].thread_id;
      const [file] = listRollouts(t.ws.home);
      const before = readFileSync(file);

      const second = await t.run(["exec", "--json", "resume", "--last", "-m", "m", "go on"]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(jsonLines(second.stdout)[0].thread_id, id);
      assert.equal(listRollouts(t.ws.home).length, 1, "no new file");
      const after = readFileSync(file);
      assert.ok(after.subarray(0, before.length).equals(before), "earlier bytes untouched");

      const bodies = t.chatBodies();
      const resumed = bodies[2].messages.map((m: any) => [m.role, m.content]);
      const previous = bodies[1].messages.map((m: any) => [m.role, m.content]);
      assert.deepEqual(
        resumed.slice(0, previous.length),
        previous,
        "the earlier conversation, as sent before",
      );
      assert.deepEqual(resumed.slice(previous.length), [
        ["assistant", "first answer"],
        ["user", "go on"],
      ]);
      assert.equal(bodies[2].messages.find((m: any) => m.tool_calls).tool_calls[0].id, "call_r1");

      // By id, options after the subcommand, prompt from stdin.
      const third = await t.run(["exec", "resume", id, "--json", "-m", "m"], { input: "and more" });
      assert.equal(third.code, 0, third.stderr);
      assert.equal(jsonLines(third.stdout)[0].thread_id, id);
      const last = t.chatBodies()[3].messages.map((m: any) => m.content);
      assert.deepEqual(last.slice(-3), ["go on", "second answer", "and more"]);
      const recs = readRecords(file);
      assert.equal(recs.filter((r) => r.type === "session_meta").length, 1);
      assert.equal(recs.filter((r) => r.type === "turn_context").length, 3);
    } finally {
      await t.close();
    }
  });

  test("a model from the session is reused; an id prefix; --last filters by directory unless --all", async () => {
    const t = await e2e({
      responses: [{ text: "in root" }, { text: "in sub" }, { text: "r1" }, { text: "r2" }, { text: "r3" }],
    });
    try {
      mkdirSync(join(t.ws.dir, "sub"));
      const a = await t.run(["exec", "--json", "-m", "model-a", "root task"]);
      const b = await t.run(["exec", "--json", "-m", "model-b", "-C", "sub", "sub task"]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const idA = jsonLines(a.stdout)[0].thread_id;
      const idB = jsonLines(b.stdout)[0].thread_id;

      const r1 = await t.run(["exec", "resume", "--last", "--json", "again"]);
      assert.equal(r1.code, 0, r1.stderr);
      assert.equal(jsonLines(r1.stdout)[0].thread_id, idA, "the newest session of this directory");
      assert.equal(t.chatBodies()[2].model, "model-a");

      const r2 = await t.run(["exec", "resume", "--last", "--all", "--json", "again"]);
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal(jsonLines(r2.stdout)[0].thread_id, idA, "A was used last");

      const r3 = await t.run(["exec", "--json", "resume", idB.slice(0, 13), "-m", "model-c", "by prefix"]);
      assert.equal(r3.code, 0, r3.stderr);
      assert.equal(jsonLines(r3.stdout)[0].thread_id, idB);
      assert.equal(t.chatBodies()[4].model, "model-c", "a model given now wins");
      assert.deepEqual(
        t
          .chatBodies()[4]
          .messages.slice(-3)
          .map((m: any) => m.content),
        ["sub task", "in sub", "by prefix"],
      );
    } finally {
      await t.close();
    }
  });

  test("a missing session is a clear error, exit 1; usage errors exit 2", async () => {
    const t = await e2e({ responses: [] });
    try {
      const none = await t.run(["exec", "resume", "--last", "-m", "m", "x"]);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /^Error: no stored session was started in .*--all/);
      const byId = await t.run(["exec", "resume", "0199aaaa-0000-7000-8000-000000000000", "-m", "m", "x"]);
      assert.equal(byId.code, 1);
      assert.match(byId.stderr, /^Error: no session with id `0199aaaa-/);
      assert.equal(byId.stderr.trim().split("\n").length, 1);
      const neither = await t.run(["exec", "resume"]);
      assert.equal(neither.code, 2);
      assert.match(neither.stderr, /SESSION_ID or --last/);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("damaged lines are skipped with a warning and the file is not rewritten", async () => {
    const t = await e2e({ responses: [{ text: "one" }, { text: "two" }, { text: "three" }] });
    try {
      const first = await t.run(["exec", "-m", "m", "remember 42"]);
      assert.equal(first.code, 0, first.stderr);
      const [file] = listRollouts(t.ws.home);
      appendFileSync(file, "this is not json\n");
      appendFileSync(
        file,
        '{"timestamp":"2025-01-01T00:00:00.000Z","type":"response_item","payload":{"type":"mess',
      );
      const before = readFileSync(file);

      const human = await t.run(["exec", "resume", "--last", "-m", "m", "what number?"]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stderr, /warning: skipped an unreadable line \(line \d+\) in .*rollout-/);
      assert.match(human.stderr, /warning: skipped an incomplete last line \(line \d+\)/);
      const after = readFileSync(file);
      assert.ok(after.subarray(0, before.length).equals(before), "earlier bytes untouched");
      const appended = after.subarray(before.length).toString("utf8");
      assert.ok(appended.startsWith("\n"), "the cut line is ended before new records");
      for (const line of appended.slice(1).trimEnd().split("\n")) JSON.parse(line);
      const sent = t.chatBodies()[1].messages.map((m: any) => m.content);
      assert.deepEqual(sent.slice(-3), ["remember 42", "one", "what number?"]);

      const json = await t.run(["exec", "resume", "--last", "--json", "-m", "m", "again"]);
      assert.equal(json.code, 0, json.stderr);
      const events = jsonLines(json.stdout);
      assert.equal(events[0].type, "thread.started");
      const warnings = events.filter((e) => e.item?.type === "error").map((e) => e.item.message);
      assert.equal(warnings.length, 2, JSON.stringify(events));
    } finally {
      await t.close();
    }
  });

  test("an interrupted run leaves a valid file and exits 130; resuming it works", async () => {
    const t = await e2e({
      responses: [
        { text: "looking", tool_calls: [{ id: "call_x", name: "shell", arguments: { command: ["true"] } }] },
        { text: "never seen", fault: { hang_before_headers: true } },
        { text: "resumed fine" },
      ],
    });
    try {
      const r = await t.run(["exec", "-m", "m", ...FAST, "long task"], {
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (t.chatBodies().length >= 2) {
              clearInterval(timer);
              child.kill("SIGINT");
            }
          }, 20);
          child.on("exit", () => clearInterval(timer));
        },
      });
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /turn interrupted/);
      const [file] = listRollouts(t.ws.home);
      const text = readFileSync(file, "utf8");
      assert.ok(text.endsWith("\n"));
      const recs = readRecords(file);
      assert.equal(recs.at(-1).payload.type, "turn_aborted");
      assert.ok(recs.some((x) => x.payload.type === "function_call_output"));

      const again = await t.run(["exec", "resume", "--last", "-m", "m", "finish it"]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, "resumed fine\n");
      const sent = t.chatBodies()[2].messages;
      assert.equal(sent.find((m: any) => m.role === "tool").tool_call_id, "call_x");
      assert.equal(sent.at(-1).content, "finish it");
    } finally {
      await t.close();
    }
  });
});
