// AgentSession against the simulator: the event stream, and the resume safeguard measured once, by the agent
// that then carries on.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { startSimulator } from "../../test/simulator/index.ts";
import { loadConfig } from "../config/load.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { findLatestSession } from "../session/find.ts";
import { lockPath } from "../session/lock.ts";
import { startTelemetry } from "../telemetry/index.ts";
import { createToolPolicy } from "../tools/policy.ts";
import { openAgentSession } from "./agent-session.ts";

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function open(home: string, baseUrl: string, window: number) {
  writeFileSync(join(home, "config.toml"), `model = "sim-model"\nmodel_context_window = ${window}\n`);
  const env = { CODEX_HOME: home, HOME: home, LITELLM_BASE_URL: baseUrl, LITELLM_API_KEY: "sk-test-key" };
  const config = loadConfig({ cli: { configOverrides: [] }, env, cwd: home });
  const telemetry = await startTelemetry({ config, env, warn: () => {} });
  const warnings: string[] = [];
  const session = await openAgentSession({
    config,
    cwd: home,
    policy: createToolPolicy(config, home, "exec", undefined, { env }),
    telemetry,
    model: config.model,
    source: "exec",
    warn: (m) => warnings.push(m),
  });
  const close = async () => {
    await session.close();
    await telemetry.close();
  };
  return { session, warnings, close };
}

test("a session publishes its events to subscribers until they unsubscribe, and records the turn", async () => {
  const sim = await startSimulator({ scenario: { responses: [{ text: "one" }, { text: "two" }] } });
  const home = mkdtempSync(join(tmpdir(), "cl-session-"));
  temps.push(home);
  try {
    const { session, warnings, close } = await open(home, sim.baseUrl, 200_000);
    const seen: AgentEvent["type"][] = [];
    const unsubscribe = session.subscribe((e) => seen.push(e.type));
    session.announce();
    const first = await session.submit("hello", new AbortController().signal);
    assert.equal(first.status, "completed");
    assert.ok(seen.includes("session_configured") && seen.includes("turn_complete"), seen.join(","));
    assert.ok(session.contextUsed > 0, "token counts reach the session");
    unsubscribe();
    const count = seen.length;
    await session.submit("again", new AbortController().signal);
    assert.equal(seen.length, count, "nothing after unsubscribe");
    assert.equal(session.resumable, true);
    assert.equal(findLatestSession(home, home)?.id, session.sessionId);
    assert.deepEqual(warnings, []);
    await close();
  } finally {
    await sim.close();
  }
});

test("the resume safeguard: a session larger than the window is measured, locked, and can be let go", async () => {
  const long = "word ".repeat(2000);
  const sim = await startSimulator({ scenario: { responses: [{ text: long }, { text: "ok" }] } });
  const home = mkdtempSync(join(tmpdir(), "cl-session-"));
  temps.push(home);
  try {
    const first = await open(home, sim.baseUrl, 200_000);
    await first.session.submit("write a lot", new AbortController().signal);
    const id = first.session.sessionId;
    await first.close();
    const file = findLatestSession(home, home);
    assert.ok(file);

    const small = await open(home, sim.baseUrl, 1000);
    const prepared = await small.session.prepareResume(small.session.openStored(file));
    assert.equal(prepared.tooBig, true);
    assert.ok(prepared.used > 1000, String(prepared.used));
    assert.ok(existsSync(lockPath(file.path)), "locked while the user decides");
    small.session.discardResume(prepared);
    assert.ok(!existsSync(lockPath(file.path)), "free again once aborted");
    assert.ok(existsSync(file.path), "the stored session stays");

    // A fork made for a resume the user aborts is removed again, lock and all.
    const forked = await small.session.prepareResume(small.session.openStored(file, true));
    assert.equal(forked.tooBig, true);
    assert.notEqual(forked.file.path, file.path);
    assert.ok(existsSync(forked.file.path) && existsSync(lockPath(forked.file.path)));
    small.session.discardResume(forked);
    assert.ok(!existsSync(forked.file.path), "the abandoned fork is gone");
    assert.ok(!existsSync(lockPath(forked.file.path)));
    assert.ok(existsSync(file.path));

    const again = await small.session.prepareResume(small.session.openStored(file));
    small.session.applyResume(again);
    assert.equal(small.session.sessionId, id);
    assert.equal(small.session.historyTokens(), again.used, "the measuring agent is the one that carries on");
    assert.equal(small.session.resumable, true);
    await small.close();
  } finally {
    await sim.close();
  }
});
