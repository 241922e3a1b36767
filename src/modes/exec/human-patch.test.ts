import assert from "node:assert/strict";
import { test } from "node:test";
import { createHumanRenderer } from "./human.ts";

// What apply_patch read and wrote; the file on disk may hold anything by the time this is shown.
const change = {
  path: "a.txt",
  kind: "update" as const,
  diff:
    "Index: a.txt\n===================================================================\n" +
    "--- a.txt\n+++ a.txt\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n",
};

test("exec's human output prints the carried hunks under the file", () => {
  const out: string[] = [];
  const render = createHumanRenderer({ color: false, stdout: () => {}, stderr: (s) => out.push(s) });
  render({
    type: "patch_apply_end",
    callId: "c",
    success: true,
    output: "Success.",
    changes: [{ path: "a.txt", kind: "update" }],
    diffs: [change],
  });
  assert.equal(out.join(""), "patch: completed\nM a.txt\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n");
});
