import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyTranscript, reduceTranscript } from "./transcript.ts";

test("retries share one status line, cleared by the answer; none reaches the transcript", () => {
  let state = reduceTranscript(emptyTranscript(), { type: "turn_started", prompt: "hi" });
  state = reduceTranscript(state, { type: "retry", attempt: 1, max: 4, reason: "gateway answered 503" });
  state = reduceTranscript(state, { type: "stream_reset" });
  state = reduceTranscript(state, { type: "retry", attempt: 2, max: 4, reason: "gateway answered 503" });
  assert.equal(state.status, "reconnecting 2/4 (gateway answered 503)");
  state = reduceTranscript(state, {
    type: "retry",
    attempt: 3,
    max: 0,
    reason: "cannot connect",
    window: { remainingMs: 41_200, windowMs: 60_000 },
  });
  assert.equal(state.status, "gateway unreachable (cannot connect); retrying for up to 42 s more");
  state = reduceTranscript(state, { type: "agent_message_delta", delta: "Hel" });
  assert.equal(state.status, undefined);
  assert.equal(state.done.filter((c) => c.kind === "notice").length, 0);
});
