import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ModelResponse } from "../protocol/model.ts";
import { AutoContinue, announcesAction, READ_ONLY_ROUNDS, ROUNDS_AFTER_EDIT } from "./auto-continue.ts";

const answer = (text: string, reasoning = ""): ModelResponse => ({
  text,
  reasoning,
  toolCalls: [],
  finishReason: "stop",
});
const shell = (script: string, ok = true) => ({
  name: "shell",
  args: { command: ["bash", "-lc", script] },
  ok,
});

describe("announcesAction", () => {
  test("announcements without action", () => {
    for (const text of [
      "I'll run the tests now.",
      "Let me check the config file:",
      "Now I will update the README.",
      "Okay, let's look at the failing test.",
      "Done reading.\n\nNext, I'm going to fix the import.",
      "Here is what I found so far:",
    ])
      assert.ok(announcesAction(text), text);
  });

  test("real final answers", () => {
    for (const text of [
      "Created hello.txt containing hello world.",
      "The tests pass. I changed two files: a.ts and b.ts.",
      "I'll leave the rest to you".repeat(30),
      "",
    ])
      assert.ok(!announcesAction(text), text);
  });
});

describe("AutoContinue", () => {
  test("an empty answer after tool work is nudged, with the original request quoted", () => {
    const ac = new AutoContinue(3, "fix the bug");
    assert.equal(ac.afterTools([shell("echo hi > f")]), undefined);
    const nudge = ac.afterAnswer(answer(""));
    assert.equal(nudge?.reason, "empty_after_tools");
    assert.match(nudge?.message ?? "", /Original request: fix the bug$/);
    assert.equal(ac.afterAnswer(answer("", "I should run ls"))?.reason, "reasoning_only");
    assert.equal(ac.afterAnswer(answer("Let me run the tests:"))?.reason, "announced_no_action");
    assert.equal(ac.count, 3);
    assert.equal(ac.afterAnswer(answer("")), undefined, "bounded per turn");
  });

  test("a plain answer with no tool work is final; an empty one is not", () => {
    assert.equal(new AutoContinue(3, "hi").afterAnswer(answer("Hello!")), undefined);
    assert.equal(
      new AutoContinue(3, "hi").afterAnswer(answer("I'll do it:")),
      undefined,
      "no tools yet: a plan is an answer",
    );
    assert.equal(new AutoContinue(3, "hi").afterAnswer(answer(""))?.reason, "empty_response");
    assert.equal(new AutoContinue(0, "hi").afterAnswer(answer("")), undefined, "0 disables");
  });

  test("the same command three times is a loop", () => {
    const ac = new AutoContinue(3, "x");
    assert.equal(ac.afterTools([shell("cat a.txt")]), undefined);
    assert.equal(ac.afterTools([shell("cat a.txt")]), undefined);
    assert.equal(ac.afterTools([shell("cat a.txt")])?.reason, "repeated_command");
  });

  test("many read-only rounds before any edit, or after an edit, are nudged", () => {
    const before = new AutoContinue(3, "x");
    let nudge: ReturnType<AutoContinue["afterTools"]>;
    for (let i = 0; i < READ_ONLY_ROUNDS; i++) nudge = before.afterTools([shell(`cat file${i}.txt`)]);
    assert.equal(nudge?.reason, "read_only_loop");

    const after = new AutoContinue(3, "x");
    after.afterTools([{ name: "apply_patch", args: { input: "…" }, ok: true }]);
    for (let i = 0; i < ROUNDS_AFTER_EDIT - 1; i++)
      assert.equal(after.afterTools([shell(`rg pattern${i}`)]), undefined);
    assert.equal(after.afterTools([shell("ls -la")])?.reason, "exploring_after_edit");
  });

  test("a writing command resets the read-only streak; update_plan is neutral", () => {
    const ac = new AutoContinue(3, "x");
    for (let i = 0; i < READ_ONLY_ROUNDS - 1; i++) ac.afterTools([shell(`cat f${i}`)]);
    ac.afterTools([shell("npm install")]);
    for (let i = 0; i < ROUNDS_AFTER_EDIT - 1; i++)
      assert.equal(
        ac.afterTools([{ name: "update_plan", args: { plan: [] }, ok: true }, shell(`cat g${i}`)]),
        undefined,
      );
  });
});
