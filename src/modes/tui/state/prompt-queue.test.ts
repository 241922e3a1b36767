import assert from "node:assert/strict";
import { test } from "node:test";
import { ctrlC, PromptQueue, QUIT_WINDOW_MS, queuesWhileBusy, quitArmed } from "./prompt-queue.ts";

test("queued prompts go one at a time, only when the session is idle", () => {
  const q = new PromptQueue();
  assert.deepEqual(q.next(false, ""), { kind: "none" });
  q.add("one");
  q.add("two");
  assert.deepEqual(q.next(true, ""), { kind: "none" }, "nothing while busy");
  assert.deepEqual(q.next(false, ""), { kind: "send", text: "one", left: 1 });
  assert.deepEqual(q.prompts, ["two"]);
  assert.deepEqual(q.next(false, ""), { kind: "send", text: "two", left: 0 });
  assert.deepEqual(q.next(false, ""), { kind: "none" });
});

test("after an interrupted turn the queue returns to the composer with the draft, and nothing is sent", () => {
  const q = new PromptQueue();
  q.observe({ type: "turn_started" });
  q.add("one");
  q.add("two");
  q.observe({ type: "turn_aborted" });
  assert.deepEqual(q.next(false, "draft"), { kind: "restore", draft: "one\ntwo\ndraft", prompts: 2 });
  assert.deepEqual(q.prompts, []);
  q.add("three");
  q.observe({ type: "turn_started" });
  q.observe({ type: "turn_complete" });
  assert.deepEqual(q.next(false, ""), { kind: "send", text: "three", left: 0 }, "a new turn clears the mark");
});

test("Ctrl-C interrupts, else clears the draft, else quits on a second press within the window", () => {
  const now = 10_000;
  assert.equal(ctrlC({ busy: true, draft: "x", armedAt: now - 1, now }), "interrupt");
  assert.equal(ctrlC({ busy: false, draft: "x", armedAt: now - 1, now }), "clear");
  assert.equal(ctrlC({ busy: false, draft: "", armedAt: 0, now }), "arm");
  assert.equal(ctrlC({ busy: false, draft: "", armedAt: now - 100, now }), "quit");
  assert.equal(ctrlC({ busy: false, draft: "", armedAt: now - QUIT_WINDOW_MS, now }), "arm", "window passed");
  assert.equal(quitArmed(0, now), false);
});

test("Enter while busy queues a prompt but runs a slash command", () => {
  assert.equal(queuesWhileBusy(true, false), true);
  assert.equal(queuesWhileBusy(true, true), false);
  assert.equal(queuesWhileBusy(false, false), false);
});
