import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { lockPath, lockSession, SessionInUseError, startedAt, tryLockSession } from "./lock.ts";

let dir: string;
let rollout: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lock-test-"));
  rollout = join(dir, "rollout.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const owner = (pid: number, started: number) =>
  writeFileSync(lockPath(rollout), JSON.stringify({ pid, started }));

describe("session lock", () => {
  test("held in <rollout>.lock with pid and start time; release removes it", () => {
    const lock = lockSession(rollout, "s1");
    const held = JSON.parse(readFileSync(lockPath(rollout), "utf8"));
    assert.equal(held.pid, process.pid);
    assert.ok(Math.abs(held.started - (Date.now() - process.uptime() * 1000)) < 2000);
    lock.release();
    lock.release();
    assert.ok(!existsSync(lockPath(rollout)));
  });

  test("a live owner is refused, naming the session and the process", async () => {
    const child = spawn("sleep", ["30"]);
    try {
      const pid = child.pid as number;
      owner(pid, startedAt(pid) ?? Date.now());
      assert.throws(
        () => lockSession(rollout, "s1"),
        (e: Error) =>
          e instanceof SessionInUseError && e.message.includes(`session s1 is in use by process ${pid}`),
      );
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("a dead owner, or a pid now used by a later process, is stale: taken over", () => {
    owner(spawnSync("true").pid as number, Date.now());
    lockSession(rollout, "s1").release();
    const child = spawn("sleep", ["30"]);
    try {
      owner(child.pid as number, Date.now() - 3_600_000);
      lockSession(rollout, "s1").release();
      assert.ok(!existsSync(lockPath(rollout)));
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("releasing a lock that was taken over since leaves the new one alone", () => {
    const first = lockSession(rollout, "s1");
    const second = lockSession(rollout, "s1"); // this process again (a TUI resuming its own session)
    first.release();
    assert.ok(existsSync(lockPath(rollout)));
    second.release();
    assert.ok(!existsSync(lockPath(rollout)));
  });

  test("tryLockSession: a lock that cannot be written is reported, not fatal; a live owner still is", () => {
    const errors: Error[] = [];
    const lock = tryLockSession(join(dir, "missing", "rollout.jsonl"), "s1", (e) => errors.push(e));
    lock.release();
    assert.equal(errors.length, 1);
    const child = spawn("sleep", ["30"]);
    try {
      owner(child.pid as number, startedAt(child.pid as number) ?? Date.now());
      assert.throws(() => tryLockSession(rollout, "s1"), SessionInUseError);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
