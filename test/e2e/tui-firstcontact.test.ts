// The TUI's side of first contact, in a real terminal (tmux): retries on one status line, a patch approval that
// shows the diff, `/login` fixing a wrong URL.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CLI } from "../helpers/cli.ts";
import { TEST_KEY } from "../helpers/e2e.ts";
import { HAVE_TMUX, startInPane } from "../helpers/terminal.ts";
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

test("/login: a wrong URL from the first run is fixed in the TUI, checked before it is saved", {
  skip,
}, async () => {
  const s = await tuiSession({ responses: [{ text: "Reached you." }] });
  const { LITELLM_BASE_URL: _url, LITELLM_API_KEY: _key, ...env } = s.env;
  const dotenv = join(s.ws.home, ".env");
  writeFileSync(dotenv, `LITELLM_BASE_URL="http://127.0.0.1:9/v1"\nLITELLM_API_KEY="${TEST_KEY}"\n`, {
    mode: 0o600,
  });
  const term = startInPane(s.ws.tmp, s.ws.dir, env, [process.execPath, CLI, "-m", "sim-model"]);
  try {
    await term.waitFor(READY);
    await term.submit("hello");
    await term.waitFor(/cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions: nothing listening/);
    await term.submit("/login");
    await term.waitFor("codex-litellm login");
    await term.waitFor("http://127.0.0.1:9/v1");
    term.keys("Enter");
    await term.waitFor("enter keeps the current key");
    term.keys("Enter");
    // The check fails: back to the URL, with the reason; nothing saved.
    await term.waitFor(/cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models: nothing listening/);
    assert.match(readFileSync(dotenv, "utf8"), /127\.0\.0\.1:9/);
    term.keys("C-u");
    await term.submit(s.sim.origin);
    await term.waitFor("enter keeps the current key");
    term.keys("Enter");
    await term.waitFor("› sim-model");
    term.keys("Enter");
    await term.waitFor(READY);
    assert.equal(
      readFileSync(dotenv, "utf8"),
      `LITELLM_BASE_URL="${s.sim.origin}/v1"\nLITELLM_API_KEY="${TEST_KEY}"\n`,
    );
    await term.submit("hello again");
    await term.waitFor("Reached you.");
  } finally {
    term.kill();
    await s.close();
  }
});
