import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { AgentEvent } from "../../protocol/events.ts";
import type { ToolContext } from "../types.ts";
import { createApplyPatchTool, extractPatchFromShell, runApplyPatch } from "./index.ts";

let ws: string;
let events: AgentEvent[];

beforeEach(async () => {
  ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "apply-patch-tool-")));
  events = [];
});

afterEach(async () => {
  await fs.rm(ws, { recursive: true, force: true });
});

function ctx(): ToolContext {
  return {
    cwd: ws,
    writableRoots: [ws],
    signal: new AbortController().signal,
    callId: "call_1",
    emit: (event) => events.push(event),
  };
}

const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch";

describe("apply_patch tool", () => {
  test("spec: name, single required string `input`, no other properties", () => {
    const { spec } = createApplyPatchTool();
    assert.equal(spec.name, "apply_patch");
    const params = spec.parameters as { properties: { input: { type: string; description: string } } };
    assert.equal(typeof params.properties.input.description, "string");
    assert.deepEqual(spec.parameters, {
      type: "object",
      properties: { input: { type: "string", description: params.properties.input.description } },
      required: ["input"],
      additionalProperties: false,
    });
    for (const word of [
      "*** Begin Patch",
      "*** Add File:",
      "*** Delete File:",
      "*** Update File:",
      "*** Move to:",
      "@@",
    ]) {
      assert.ok(spec.description.includes(word), `description mentions ${word}`);
    }
  });

  test("success: writes, returns the summary, emits begin and end", async () => {
    const result = await createApplyPatchTool().execute({ input: PATCH }, ctx());
    const diffs = [
      {
        path: "hello.txt",
        kind: "add",
        diff:
          "Index: hello.txt\n===================================================================\n" +
          "--- hello.txt\n+++ hello.txt\n@@ -0,0 +1,1 @@\n+hi\n",
      },
    ];
    assert.deepEqual(result, {
      output: "Success. Updated the following files:\nA hello.txt",
      display: { kind: "patch", files: diffs },
    });
    assert.equal(await fs.readFile(path.join(ws, "hello.txt"), "utf8"), "hi\n");
    const changes = [{ path: "hello.txt", kind: "add" }];
    assert.deepEqual(events, [
      { type: "patch_apply_begin", callId: "call_1", changes },
      { type: "patch_apply_end", callId: "call_1", success: true, output: result.output, changes, diffs },
    ]);
  });

  test("the displayed diff is what the tool read and wrote, not the file before the prompt or after", async () => {
    const file = path.join(ws, "a.txt");
    await fs.writeFile(file, "one\ntwo\nthree\n");
    const patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n two\n-three\n+THREE\n*** End Patch";
    const result = await runApplyPatch(patch, {
      ...ctx(),
      // The user edits the file while the approval prompt is open.
      approvePatch: async () => {
        await fs.writeFile(file, "ONE\ntwo\nthree\n");
        return { allow: true, unrestricted: false };
      },
    });
    // …and again once the patch is applied, before anything is shown.
    await fs.writeFile(file, "changed later\n");
    const expected = {
      path: "a.txt",
      kind: "update",
      diff:
        "Index: a.txt\n===================================================================\n" +
        "--- a.txt\n+++ a.txt\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n",
    };
    assert.deepEqual(result.display, { kind: "patch", files: [expected] });
    const end = events.at(-1);
    assert.ok(end?.type === "patch_apply_end" && end.success);
    assert.deepEqual(end.diffs, [expected]);
  });

  test("`patch` is accepted as an alias of `input`", async () => {
    const result = await createApplyPatchTool().execute({ patch: PATCH }, ctx());
    assert.equal(result.isError, undefined);
    assert.equal(await fs.readFile(path.join(ws, "hello.txt"), "utf8"), "hi\n");
  });

  test("an apply failure is an error result and a failed patch_apply_end", async () => {
    await fs.writeFile(path.join(ws, "f.txt"), "a\n");
    const patch = "*** Begin Patch\n*** Update File: f.txt\n@@\n-zzz\n+b\n*** End Patch";
    const result = await createApplyPatchTool().execute({ input: patch }, ctx());
    assert.deepEqual(result, { output: "Failed to find expected lines in f.txt:\nzzz", isError: true });
    assert.equal(events.length, 2);
    assert.deepEqual(events[1], {
      type: "patch_apply_end",
      callId: "call_1",
      success: false,
      output: result.output,
      changes: [{ path: "f.txt", kind: "update" }],
    });
    assert.equal(await fs.readFile(path.join(ws, "f.txt"), "utf8"), "a\n");
  });

  test("an invalid patch or missing argument is an error result without events", async () => {
    const tool = createApplyPatchTool();
    const invalid = await tool.execute({ input: "*** Add File: x\n+y" }, ctx());
    assert.deepEqual(invalid, {
      output: "The first line of the patch must be '*** Begin Patch'",
      isError: true,
    });
    const missing = await tool.execute({ path: "x" }, ctx());
    assert.equal(missing.isError, true);
    assert.match(missing.output, /`input`/);
    assert.deepEqual(events, []);
  });

  test("input given in the shell heredoc form is unwrapped", async () => {
    await fs.mkdir(path.join(ws, "sub"));
    const input = `cd sub && apply_patch <<'EOF'\n${PATCH}\nEOF`;
    const result = await createApplyPatchTool().execute({ input }, ctx());
    assert.equal(result.isError, undefined);
    assert.equal(await fs.readFile(path.join(ws, "sub", "hello.txt"), "utf8"), "hi\n");
  });

  test("runApplyPatch applies an intercepted shell patch relative to its cd workdir", async () => {
    await fs.mkdir(path.join(ws, "pkg"));
    const shell = extractPatchFromShell(["bash", "-lc", `cd pkg && apply_patch <<'EOF'\n${PATCH}\nEOF`]);
    assert.ok(shell);
    const result = await runApplyPatch(shell.patch, ctx(), { workdir: shell.workdir });
    assert.equal(result.output, "Success. Updated the following files:\nA hello.txt");
    assert.equal(await fs.readFile(path.join(ws, "pkg", "hello.txt"), "utf8"), "hi\n");
  });

  test("a workdir outside the roots is refused", async () => {
    const result = await runApplyPatch(PATCH, ctx(), { workdir: ".." });
    assert.equal(result.isError, true);
    assert.match(result.output, /^patch rejected: hello\.txt is outside the writable roots/);
  });
});
