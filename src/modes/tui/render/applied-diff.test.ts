import assert from "node:assert/strict";
import { test } from "node:test";
import { appliedDiff, fileDiff } from "./diff.ts";

const text = (lines: { spans: { text: string }[] }[]) =>
  lines.map((l) => l.spans.map((s) => s.text).join(""));

// What apply_patch read ("one…") and wrote; the file on disk may hold anything by the time this is shown.
const change = {
  path: "a.txt",
  kind: "update" as const,
  diff:
    "Index: a.txt\n===================================================================\n" +
    "--- a.txt\n+++ a.txt\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n",
};

test("the patch cell renders the diff the event carries, as it rendered a diff of the two texts", () => {
  const cell = appliedDiff(change);
  assert.deepEqual([cell.path, cell.added, cell.removed], ["a.txt", 1, 1]);
  assert.deepEqual(text(cell.lines), ["   2  two", "   3 -three", "   3 +THREE"]);
  assert.deepEqual(appliedDiff(change), fileDiff("a.txt", "a.txt", "one\ntwo\nthree\n", "one\ntwo\nTHREE\n"));
  const moved = appliedDiff({ ...change, move_path: "b.txt" });
  assert.equal(moved.path, "b.txt");
});
