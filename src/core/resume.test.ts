// The one resume path: locate (writes nothing), fork + lock (the file recorded into), read; and its wording.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { listRollouts, readRecords, writeSession } from "../../test/helpers/rollouts.ts";
import { lockPath, SessionInUseError, startedAt } from "../session/lock.ts";
import { UserError } from "../util/errors.ts";
import { findResume, locateSession, openResume, readResumed } from "./resume.ts";

const OLD = "019a44bc-1111-7000-8000-00000000a001";
const NEW = "019a44bc-2222-7000-8000-00000000a002";
const ELSEWHERE = "019a44bc-3333-7000-8000-00000000a003";

let home: string;
let cwd: string;
let holder: ChildProcess | undefined;

const meta = (id: string, dir: string) => [
  {
    type: "session_meta",
    payload: { id, timestamp: "2025-11-02T12:00:00.000Z", cwd: dir, originator: "codex-litellm", model: "m" },
  },
  {
    type: "response_item",
    payload: { type: "message", role: "user", content: [{ type: "input_text", text: `hello ${id}` }] },
  },
];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

/** The session's lock as a live process other than this one holds it. */
function heldElsewhere(rollout: string): number {
  holder = spawn("sleep", ["30"]);
  const pid = holder.pid as number;
  writeFileSync(lockPath(rollout), JSON.stringify({ pid, started: startedAt(pid) ?? Date.now() }));
  return pid;
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "cl-resume-"));
  cwd = join(home, "project");
  mkdirSync(cwd);
  writeSession(home, { id: OLD, start: new Date(2025, 10, 2, 12), records: meta(OLD, cwd) });
  writeSession(home, { id: NEW, start: new Date(2025, 10, 2, 13), records: meta(NEW, cwd) });
  writeSession(home, { id: ELSEWHERE, start: new Date(2025, 10, 2, 14), records: meta(ELSEWHERE, "/else") });
});
afterEach(() => {
  holder?.kill("SIGKILL");
  holder = undefined;
  rmSync(home, { recursive: true, force: true });
});

const pathOf = (id: string) => listRollouts(home).find((p) => p.includes(id)) as string;

describe("locating a session to resume", () => {
  test("by id prefix, --last of this directory, --all; nothing is written", () => {
    const before = files(home);
    assert.equal(locateSession(home, { sessionId: OLD.slice(0, 30) }, cwd).id, OLD);
    assert.equal(locateSession(home, { last: true }, cwd).id, NEW);
    assert.equal(locateSession(home, { last: true, all: true }, cwd).id, ELSEWHERE);
    assert.equal(findResume(home, { last: true }, cwd, {}).id, NEW);
    assert.deepEqual(files(home), before);
  });

  test("none to resume: one UserError each for this directory and for --all", () => {
    const empty = mkdtempSync(join(tmpdir(), "cl-resume-empty-"));
    try {
      assert.throws(
        () => findResume(empty, { last: true }, cwd, {}),
        (e: Error) =>
          e instanceof UserError &&
          e.message ===
            `no stored session was started in ${cwd} (use --all to pick the latest session from any directory)`,
      );
      assert.throws(
        () => findResume(empty, { last: true, all: true }, cwd, {}),
        (e: Error) => e instanceof UserError && e.message === "no stored session to resume",
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("a session another live process records is refused before anything is written, unless forked or not recorded", () => {
    const rollout = pathOf(NEW);
    const pid = heldElsewhere(rollout);
    const before = files(home);
    assert.throws(
      () => findResume(home, { sessionId: NEW }, cwd, {}),
      (e: Error) =>
        e instanceof SessionInUseError && e.message.includes(`session ${NEW} is in use by process ${pid}`),
    );
    // A fork only reads the original; an ephemeral run records into nothing.
    assert.equal(findResume(home, { sessionId: NEW }, cwd, { fork: true }).id, NEW);
    assert.equal(findResume(home, { sessionId: NEW }, cwd, { record: false }).id, NEW);
    assert.deepEqual(files(home), before);
  });
});

describe("opening it: the lock goes on the file recorded into", () => {
  test("in place: the stored session is locked by this process; refused while a live process holds it", () => {
    const file = locateSession(home, { sessionId: OLD }, cwd);
    const source = openResume(home, file, {});
    assert.equal(source.file, file);
    assert.equal(source.lock?.path, lockPath(file.path));
    assert.equal(JSON.parse(readFileSync(lockPath(file.path), "utf8")).pid, process.pid);
    source.lock?.release();
    assert.ok(!existsSync(lockPath(file.path)));

    const pid = heldElsewhere(file.path);
    assert.throws(
      () => openResume(home, file, {}),
      (e: Error) => e instanceof SessionInUseError && e.message.includes(`is in use by process ${pid}`),
    );
  });

  test("a fork: a new file under a new id, locked; the original is neither locked nor changed", () => {
    const file = locateSession(home, { sessionId: OLD }, cwd);
    const original = readFileSync(file.path, "utf8");
    heldElsewhere(file.path);
    const source = openResume(home, file, { fork: true });
    try {
      assert.notEqual(source.file.id, OLD);
      assert.equal(readRecords(source.file.path)[0].payload.forked_from_id, OLD);
      assert.equal(source.lock?.path, lockPath(source.file.path));
      assert.ok(existsSync(lockPath(source.file.path)), "the fork is locked like any resumed session");
      assert.equal(readFileSync(file.path, "utf8"), original);
      assert.equal(
        JSON.parse(readFileSync(lockPath(file.path), "utf8")).pid,
        holder?.pid,
        "original's lock untouched",
      );
    } finally {
      source.lock?.release();
    }
  });

  test("nothing recorded (exec --ephemeral): no lock taken, none refused", () => {
    const file = locateSession(home, { sessionId: OLD }, cwd);
    heldElsewhere(file.path);
    const before = files(home);
    const source = openResume(home, file, { record: false });
    assert.equal(source.lock, undefined);
    assert.deepEqual(files(home), before);
    // Nor is a fork written: the run continues the original's history in memory.
    const forked = openResume(home, file, { fork: true, record: false });
    assert.equal(forked.file, file);
    assert.equal(forked.lock, undefined);
    assert.deepEqual(files(home), before);
  });

  test("a lock that cannot be written is a warning naming the session", () => {
    const file = locateSession(home, { sessionId: OLD }, cwd);
    mkdirSync(lockPath(file.path)); // neither creatable nor removable as a file
    const warnings: string[] = [];
    const source = openResume(home, file, {}, (m) => warnings.push(m));
    assert.equal(source.file, file);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`^could not lock session ${OLD} \\(`));
  });

  test("one wording for a fork that fails and a session that cannot be read", () => {
    const broken = { path: join(home, "broken.jsonl"), id: "broken-id", stamp: "", mtimeMs: 0 };
    writeFileSync(broken.path, '{"type":"response_item","payload":{}}\n');
    assert.throws(
      () => openResume(home, broken, { fork: true }),
      (e: Error) =>
        e instanceof UserError && /^cannot fork session broken-id: .*has no session_meta$/.test(e.message),
    );
    const missing = { ...broken, path: join(home, "missing.jsonl") };
    assert.throws(
      () => readResumed(missing),
      (e: Error) => e instanceof UserError && e.message.startsWith(`cannot read session ${missing.path}: `),
    );
    assert.equal(readResumed(locateSession(home, { sessionId: OLD }, cwd)).meta?.id, OLD);
  });
});
