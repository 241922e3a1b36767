import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SUMMARY_PREFIX } from "../agent/compact.ts";
import { assistantMessage, userMessage } from "../protocol/items.ts";
import { UserError } from "../util/errors.ts";
import { JsonlAppender } from "./appender.ts";
import { findLatestSession, findSessionById, listSessionFiles, readSessionMeta } from "./find.ts";
import { appendHistory } from "./history.ts";
import { parseRolloutName, rolloutPath } from "./paths.ts";
import { parseRollout } from "./reader.ts";
import { SessionRecorder } from "./recorder.ts";

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "codex-litellm-session-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const ID_A = "0190aaaa-0000-7000-8000-00000000000a";
const ID_B = "0190bbbb-0000-7000-8000-00000000000b";
const turnContext = {
  cwd: "/w",
  approval_policy: "never",
  sandbox_policy: { type: "read-only" as const },
  model: "m",
};

function newSession(id: string, cwd: string, when = new Date(2025, 0, 2, 3, 4, 5)): SessionRecorder {
  const meta = {
    id,
    cwd,
    originator: "codex-litellm",
    cli_version: "1.0.0",
    source: "exec",
    model_provider: "litellm",
    model: "m",
  };
  return SessionRecorder.create(home, meta, { turnContext }, () => when);
}

describe("paths", () => {
  test("Codex's layout in local time", () => {
    const path = rolloutPath("/h", ID_A, new Date(2025, 0, 2, 3, 4, 5));
    assert.equal(path, `/h/sessions/2025/01/02/rollout-2025-01-02T03-04-05-${ID_A}.jsonl`);
    assert.deepEqual(parseRolloutName(path.split("/").pop()!), { id: ID_A, stamp: "2025-01-02T03-04-05" });
    assert.equal(parseRolloutName("notes.txt"), undefined);
  });
});

describe("appender", () => {
  test("creates directories and a 0600 file; each record is one line", () => {
    const path = join(home, "a", "b", "x.jsonl");
    const file = JsonlAppender.open(path);
    assert.ok(file.append({ n: 1, text: "multi\nline" }));
    file.append({ n: 2 });
    file.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    assert.equal(readFileSync(path, "utf8"), '{"n":1,"text":"multi\\nline"}\n{"n":2}\n');
  });

  test("ends a cut last line before appending and never rewrites earlier bytes", () => {
    const path = join(home, "x.jsonl");
    writeFileSync(path, '{"ok":1}\n{"cut":');
    const before = readFileSync(path);
    const file = JsonlAppender.open(path, { mustExist: true });
    file.append({ next: true });
    file.close();
    const after = readFileSync(path);
    assert.ok(after.subarray(0, before.length).equals(before));
    assert.equal(after.subarray(before.length).toString(), '\n{"next":true}\n');
    assert.throws(() => JsonlAppender.open(join(home, "missing.jsonl"), { mustExist: true }));
  });
});

describe("recorder and reader", () => {
  test("a recorded session reads back; compaction restarts the history", () => {
    const rec = newSession(ID_A, "/w");
    rec.recordEvent({ type: "turn_started", prompt: "p1" });
    rec.recordItem(userMessage("p1"));
    rec.recordItem(assistantMessage("a1"));
    rec.recordEvent({ type: "agent_message", text: "a1" });
    rec.recordEvent({ type: "agent_message_delta", delta: "not persisted" });
    rec.recordCompacted("S", [userMessage("p1"), userMessage(`${SUMMARY_PREFIX}\nS`)]);
    rec.recordEvent({ type: "context_compacted", reason: "auto" });
    rec.recordItem(userMessage("p2"));
    rec.recordEvent({ type: "turn_complete", lastMessage: "a1", usage: {} as never });
    rec.close();
    const text = readFileSync(rec.path, "utf8");
    const rollout = parseRollout(text, rec.path);
    assert.deepEqual(rollout.warnings, []);
    assert.equal(rollout.meta?.id, ID_A);
    assert.equal(rollout.meta?.timestamp, new Date(2025, 0, 2, 3, 4, 5).toISOString());
    assert.deepEqual(
      rollout.records.map((r) => (r.type === "event_msg" ? r.payload.type : r.type)),
      [
        "session_meta",
        "turn_context",
        "task_started",
        "user_message",
        "response_item",
        "response_item",
        "agent_message",
        "compacted",
        "context_compacted",
        "response_item",
        "task_complete",
      ],
    );
    assert.deepEqual(rollout.history, [
      userMessage("p1"),
      userMessage(`${SUMMARY_PREFIX}\nS`),
      userMessage("p2"),
    ]);
  });

  test("garbage and a cut last line are skipped with warnings; records of other types silently", () => {
    const lines = [
      JSON.stringify({ timestamp: "t", type: "session_meta", payload: { id: ID_A, cwd: "/w" } }),
      "garbage",
      JSON.stringify({ timestamp: "t", type: "response_item", payload: userMessage("kept") }),
      JSON.stringify({ timestamp: "t", type: "response_item", payload: { type: "local_shell_call" } }),
      JSON.stringify({ timestamp: "t", type: "unknown_kind", payload: {} }),
      JSON.stringify({
        timestamp: "t",
        type: "response_item",
        payload: {
          type: "message",
          role: "user",
          content: [{ type: "input_image" }, { type: "input_text", text: "x" }],
        },
      }),
      '{"timestamp":"t","type":"response_item","payload":{"type":"mes',
    ];
    const rollout = parseRollout(lines.join("\n"), "f.jsonl");
    assert.deepEqual(rollout.warnings, [
      "skipped an unreadable line (line 2) in f.jsonl",
      "skipped an incomplete last line (line 7) in f.jsonl",
    ]);
    assert.deepEqual(rollout.history, [userMessage("kept"), userMessage("x")]);
  });

  test("a compacted record without replacement_history rebuilds from user messages and the summary", () => {
    const lines = [
      { timestamp: "t", type: "response_item", payload: userMessage("u1") },
      { timestamp: "t", type: "response_item", payload: assistantMessage("a1") },
      { timestamp: "t", type: "compacted", payload: { message: "SUM" } },
    ].map((l) => JSON.stringify(l));
    const rollout = parseRollout(`${lines.join("\n")}\n`, "f");
    assert.deepEqual(rollout.history, [userMessage("u1"), userMessage(`${SUMMARY_PREFIX}\nSUM`)]);
  });
});

describe("finding sessions", () => {
  test("by id, by unique prefix; ambiguous and missing ids are user errors", () => {
    newSession(ID_A, "/w").close();
    newSession(ID_B, "/w").close();
    assert.equal(findSessionById(home, ID_A).id, ID_A);
    assert.equal(findSessionById(home, "0190bb").id, ID_B);
    assert.throws(
      () => findSessionById(home, "0190"),
      (e: Error) => e instanceof UserError && /ambiguous/.test(e.message),
    );
    assert.throws(() => findSessionById(home, "ffff"), /no session with id `ffff`/);
  });

  test("--last: the most recently written session, filtered by cwd", () => {
    const a = newSession(ID_A, "/one", new Date(2025, 0, 1));
    const b = newSession(ID_B, "/two", new Date(2025, 0, 2));
    a.close();
    b.close();
    utimesSync(a.path, new Date(2025, 0, 5), new Date(2025, 0, 5));
    utimesSync(b.path, new Date(2025, 0, 3), new Date(2025, 0, 3));
    assert.deepEqual(
      listSessionFiles(home).map((f) => f.id),
      [ID_A, ID_B],
    );
    assert.equal(findLatestSession(home, undefined)?.id, ID_A);
    assert.equal(findLatestSession(home, "/two")?.id, ID_B);
    assert.equal(findLatestSession(home, "/three"), undefined);
    assert.equal(readSessionMeta(b.path)?.cwd, "/two");
    // A damaged first line hides the session from --last but not from its id.
    mkdirSync(join(home, "sessions", "2025", "01", "09"), { recursive: true });
    const broken = join(
      home,
      "sessions",
      "2025",
      "01",
      "09",
      `rollout-2025-01-09T00-00-00-${"0".repeat(8)}-0000-7000-8000-000000000000.jsonl`,
    );
    writeFileSync(broken, "{oops\n");
    assert.equal(findLatestSession(home, "/one")?.id, ID_A);
    assert.equal(findSessionById(home, "00000000").path, broken);
  });
});

describe("history.jsonl", () => {
  test("one line per prompt, unix seconds, mode 0600", () => {
    appendHistory(home, ID_A, "first", 1_700_000_000_500);
    appendHistory(home, ID_B, "second\nline", 1_700_000_001_000);
    const path = join(home, "history.jsonl");
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(
      readFileSync(path, "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
      [
        { session_id: ID_A, ts: 1_700_000_000, text: "first" },
        { session_id: ID_B, ts: 1_700_000_001, text: "second\nline" },
      ],
    );
  });
});
