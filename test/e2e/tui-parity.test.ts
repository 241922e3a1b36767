// exec and the TUI, both built, against one [model_profiles] row: the same `stream` value, tools and system
// message, and the same number of nudges after empty answers (they open the same AgentSession).
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { test } from "node:test";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

const skip = HAVE_TMUX ? false : "tmux is not installed";
const PROFILE =
  '[model_profiles.corp]\nmodels = ["corp/*"]\nstream_mode = "buffered"\nauto_continue_max = 5\n';
const empty = () => ({ responses: Array.from({ length: 10 }, () => ({ text: "" })) });

/** The count once it reaches `expected` (or the time runs out), checked again a second later: no more follow. */
async function settled(count: () => number, expected: number, timeoutMs = 20_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (count() < expected && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  return count();
}

test("the TUI and exec send the same request shape and nudge limit for one [model_profiles] row", {
  skip,
}, async () => {
  const s = await tuiSession(empty(), { args: ["-m", "corp/odd-model"] });
  appendFileSync(s.config, PROFILE);
  const term = s.start();
  try {
    await term.waitFor(READY);
    await term.submit("hello");
    assert.equal(await settled(() => s.chatBodies().length, 6), 6, "one request and five nudges");
    await term.waitFor(READY);
    const tui = s.chatBodies();
    term.kill();

    s.sim.reset(empty());
    const r = await s.run(["exec", "--skip-git-repo-check", "-m", "corp/odd-model", "hello"]);
    const exec = s.chatBodies();
    assert.equal(exec.length, 6, r.stderr);
    assert.deepEqual(
      tui.map((b) => b.stream),
      exec.map((b) => b.stream),
    );
    assert.equal(exec[0].stream, false);
    const shape = (body: any) => ({
      tools: (body.tools ?? []).map((t: any) => t.function?.name).sort(),
      system: body.messages.find((m: any) => m.role === "system")?.content,
    });
    assert.deepEqual(shape(tui[0]), shape(exec[0]));
  } finally {
    term.kill();
    await s.close();
  }
});
