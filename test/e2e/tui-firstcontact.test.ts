// The TUI's side of first contact, in a real terminal (tmux): retries on one status line, a patch approval that
// shows the diff.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

const skip = HAVE_TMUX ? false : "tmux is not installed";

test("retries update one status line, which goes once the answer comes", { skip }, async () => {
  const s = await tuiSession({
    responses: [
      { status: 503, headers: { "retry-after": "1" } },
      { status: 503, headers: { "retry-after": "1" } },
      { text: "Finally here." },
    ],
  });
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("hello");
    const second = await term.waitFor(/reconnecting 2\/4 \(gateway answered 503/);
    assert.doesNotMatch(second, /reconnecting 1\/4/, "the second retry replaced the first");
    const done = await term.waitFor("Finally here.");
    assert.doesNotMatch(done, /reconnecting/, "no retry left in the transcript");
  } finally {
    term.kill();
    await s.close();
  }
});

test("a patch approval shows the diff of what it would change", { skip }, async () => {
  const patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-helo wrld\n+hello world\n*** End Patch\n";
  const s = await tuiSession(
    {
      responses: [
        { text: "Fixing it.", tool_calls: [{ id: "p1", name: "apply_patch", arguments: { input: patch } }] },
        { text: "Fixed." },
      ],
    },
    { args: ["-a", "untrusted", "-m", "sim-model"] },
  );
  writeFileSync(join(s.ws.dir, "notes.txt"), "first line\nhelo wrld\nlast line\n");
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("fix the typo");
    const prompt = await term.waitFor("Allow these file changes?");
    assert.match(prompt, /notes\.txt \(\+1 -1\)/);
    assert.match(prompt, /\s2 -helo wrld/);
    assert.match(prompt, /\s2 \+hello world/);
    assert.equal(
      readFileSync(join(s.ws.dir, "notes.txt"), "utf8"),
      "first line\nhelo wrld\nlast line\n",
      "nothing written before the answer",
    );
    term.type("y");
    await term.waitFor("Fixed.");
    assert.equal(readFileSync(join(s.ws.dir, "notes.txt"), "utf8"), "first line\nhello world\nlast line\n");
  } finally {
    term.kill();
    await s.close();
  }
});
