// `resume` and `fork` as Codex 0.171 has them: `exec fork`, and the TUI's `resume` / `fork` with a picker
// when no session is named (exec sessions listed only with --include-non-interactive).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import { listRollouts, readRecords, writeSession } from "../helpers/rollouts.ts";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

describe("exec fork", () => {
  test("a new session (new id, forked_from_id) with the old history; the original is untouched", async () => {
    const t = await e2e({
      responses: [
        { text: "first answer" },
        { text: "forked answer" },
        { text: "ephemeral answer" },
        { text: "again" },
      ],
    });
    try {
      const first = await t.run(["exec", "--json", "-m", "sim-model", "remember the word kiwi"]);
      assert.equal(first.code, 0, first.stderr);
      const original = jsonLines(first.stdout)[0].thread_id as string;
      const [originalPath] = listRollouts(t.ws.home);
      const before = readFileSync(originalPath, "utf8");

      const fork = await t.run([
        "exec",
        "fork",
        "--json",
        original.slice(0, 13),
        "which word?",
        "-m",
        "sim-model",
      ]);
      assert.equal(fork.code, 0, fork.stderr);
      const forkId = jsonLines(fork.stdout)[0].thread_id as string;
      assert.notEqual(forkId, original);
      assert.equal(readFileSync(originalPath, "utf8"), before, "the original session is not written to");
      const forkPath = listRollouts(t.ws.home).find((p) => p.includes(forkId));
      assert.ok(forkPath);
      const meta = readRecords(forkPath)[0].payload;
      assert.equal(meta.id, forkId);
      assert.equal(meta.forked_from_id, original);
      const sent = t.chatBodies()[1].messages.map((m: any) => m.content);
      assert.ok(sent.includes("remember the word kiwi"), "the old history is sent");
      assert.equal(sent.at(-1), "which word?");

      // --ephemeral writes nothing, a fork included: a new id, the old history, no file.
      const count = listRollouts(t.ws.home).length;
      const ephemeral = await t.run([
        "exec",
        "fork",
        "--ephemeral",
        "--json",
        original,
        "kiwi?",
        "-m",
        "sim-model",
      ]);
      assert.equal(ephemeral.code, 0, ephemeral.stderr);
      const ephemeralId = jsonLines(ephemeral.stdout)[0].thread_id as string;
      assert.ok(ephemeralId !== original && ephemeralId !== forkId, ephemeralId);
      assert.equal(listRollouts(t.ws.home).length, count, "no fork file");
      const ephemeralSent = t.chatBodies()[2].messages.map((m: any) => m.content);
      assert.ok(ephemeralSent.includes("remember the word kiwi"), "the old history is sent");

      const last = await t.run(["exec", "fork", "--last", "and again?", "-m", "sim-model"]);
      assert.equal(last.code, 0, last.stderr);
      assert.equal(listRollouts(t.ws.home).length, 3);
      const missing = await t.run(["exec", "fork", "-m", "sim-model"]);
      assert.equal(missing.code, 2);
    } finally {
      await t.close();
    }
  });
});

const skip = HAVE_TMUX ? false : "tmux is not installed";

describe("TUI resume and fork", () => {
  test("resume without an id opens a picker of this directory's sessions; Enter resumes; a prompt follows", {
    skip,
  }, async () => {
    const s = await tuiSession({ responses: [{ text: "resumed answer" }, { text: "forked answer" }] });
    const meta = (id: string, source: string, prompt: string) => [
      {
        type: "session_meta",
        payload: {
          id,
          timestamp: "2025-11-02T12:00:00.000Z",
          cwd: s.ws.dir,
          originator: "codex-litellm",
          cli_version: "0.1.0",
          source,
          model_provider: "litellm",
          model: "sim-model",
        },
      },
      { type: "event_msg", payload: { type: "user_message", message: prompt } },
      {
        type: "response_item",
        payload: { type: "message", role: "user", content: [{ type: "input_text", text: prompt }] },
      },
      {
        type: "response_item",
        payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: "noted" }] },
      },
    ];
    const CLI_ID = "019a44bc-1111-7000-8000-00000000c11a";
    const EXEC_ID = "019a44bc-2222-7000-8000-00000000e3ec";
    writeSession(s.ws.home, {
      id: CLI_ID,
      start: new Date(2025, 10, 2, 12),
      records: meta(CLI_ID, "cli", "tui words"),
    });
    writeSession(s.ws.home, {
      id: EXEC_ID,
      start: new Date(2025, 10, 2, 13),
      records: meta(EXEC_ID, "exec", "exec"),
    });
    let term = s.start(["-m", "sim-model", "resume"]);
    try {
      const picker = await term.waitFor("Resume a previous session");
      assert.match(picker, new RegExp(CLI_ID.slice(0, 13)));
      assert.doesNotMatch(
        picker,
        new RegExp(EXEC_ID.slice(0, 13)),
        "exec sessions need --include-non-interactive",
      );
      term.keys("Enter");
      await term.waitFor(READY);
      await term.submit("go on");
      await term.waitFor("resumed answer");
      const sent = s.chatBodies()[0].messages.map((m: any) => m.content);
      assert.ok(sent.includes("tui words"), JSON.stringify(sent));
      term.kill();

      term = s.start(["-m", "sim-model", "resume", "--include-non-interactive"]);
      const all = await term.waitFor("Resume a previous session");
      assert.match(all, new RegExp(EXEC_ID.slice(0, 13)));
      term.kill();

      // fork ID PROMPT: a copy under a new id, and the prompt is sent once it is open.
      term = s.start(["-m", "sim-model", "fork", CLI_ID, "fork prompt"]);
      await term.waitFor("forked answer");
      const forked = listRollouts(s.ws.home).filter(
        (p) => p.endsWith(".jsonl") && !p.includes(CLI_ID) && !p.includes(EXEC_ID),
      );
      assert.equal(forked.length, 1, forked.join("\n"));
      assert.equal(readRecords(forked[0])[0].payload.forked_from_id, CLI_ID);
      assert.equal(s.chatBodies()[1].messages.at(-1).content, "fork prompt");
      // The fork is the file this TUI records into: locked like any resumed session (core/resume.ts).
      const forkId = readRecords(forked[0])[0].payload.id;
      const other = await s.run(["exec", "resume", forkId, "-m", "sim-model", "meanwhile"]);
      assert.equal(other.code, 1, other.stderr);
      assert.match(other.stderr, new RegExp(`session ${forkId} is in use by process \\d+`));
    } finally {
      term.kill();
      await s.close();
    }
  });
});

describe("TUI /review", () => {
  test("/review sends the uncommitted changes under a read-only sandbox, then the session's permissions return", {
    skip,
  }, async () => {
    const s = await tuiSession({
      responses: [{ text: "[P2] Typo — notes.txt:1" }, { text: "second answer here" }],
    });
    s.ws.write("notes.txt", "helo\n");
    const term = s.start();
    try {
      await term.waitFor(READY);
      await term.submit("/review");
      await term.waitFor("notes.txt:1");
      const review = s.chatBodies()[0].messages;
      assert.match(review.at(-1).content, /uncommitted changes[\s\S]*\+helo/);
      assert.ok(
        review.some((m: any) => /<sandbox_mode>read-only<\/sandbox_mode>/.test(String(m.content))),
        "the review turn runs read-only",
      );
      await term.waitFor(READY);
      await term.submit("next");
      await term.waitFor("second answer here");
      const after = s.chatBodies()[1].messages;
      assert.match(String(after.at(-2).content), /<sandbox_mode>workspace-write<\/sandbox_mode>/);
    } finally {
      term.kill();
      await s.close();
    }
  });
});
