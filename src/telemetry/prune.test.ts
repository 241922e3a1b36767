import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { pruneTelemetryDir } from "./prune.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "telemetry-prune-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `size` bytes last modified `ageSec` seconds ago. */
function file(name: string, size: number, ageSec: number): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.alloc(size, 0x61));
  const when = new Date(Date.now() - ageSec * 1000);
  utimesSync(path, when, when);
  return path;
}

describe("pruneTelemetryDir", () => {
  test("deletes the oldest files first until the total is within the limit", () => {
    const oldest = file("a.log", 400, 400);
    const older = file("b.log", 300, 300);
    file("c.log", 200, 200);
    file("d.log", 100, 100);
    const r = pruneTelemetryDir(dir, 350, []);
    assert.deepEqual(r.deleted, [oldest, older]);
    assert.equal(r.bytesBefore, 1000);
    assert.equal(r.bytesAfter, 300);
    assert.deepEqual(readdirSync(dir).sort(), ["c.log", "d.log"]);
  });

  test("never deletes an active log, even when it is the oldest and largest", () => {
    const session = file("codex-litellm-session.jsonl", 5000, 1000);
    file("old.log", 100, 500);
    file("new.log", 100, 10);
    const r = pruneTelemetryDir(dir, 1000, [session]);
    assert.deepEqual(
      r.deleted.map((p) => p.slice(dir.length + 1)),
      ["old.log", "new.log"],
    );
    assert.ok(existsSync(session));
    assert.equal(r.bytesAfter, 5000, "still over: only active logs remain");
  });

  test("under the limit or a limit of 0: nothing is deleted", () => {
    file("a.log", 1000, 100);
    file("b.log", 1000, 50);
    assert.deepEqual(pruneTelemetryDir(dir, 0, []).deleted, []);
    assert.deepEqual(pruneTelemetryDir(dir, 2000, []).deleted, []);
    assert.equal(readdirSync(dir).length, 2);
  });

  test("sub-directories and symlinks are neither counted nor removed; a missing dir is fine", () => {
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "big.log"), Buffer.alloc(5000));
    const target = file("target.log", 10, 10);
    symlinkSync(target, join(dir, "link.log"));
    const r = pruneTelemetryDir(dir, 5, []);
    assert.deepEqual(r.deleted, [target]);
    assert.ok(existsSync(join(dir, "sub", "big.log")));
    assert.deepEqual(pruneTelemetryDir(join(dir, "missing"), 1, []).deleted, []);
  });
});
