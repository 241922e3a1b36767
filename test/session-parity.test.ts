// exec and the TUI open the same AgentSession, so one configuration sends one request shape whichever front end
// runs it. Each session is built here as its front end builds it (exec: a policy that never asks, source "exec";
// the TUI: an approval broker, source "cli") against the simulator, and the requests they send are compared.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadConfig } from "../src/config/load.ts";
import { openAgentSession } from "../src/core/agent-session.ts";
import { ApprovalBroker } from "../src/modes/tui/input/approvals.ts";
import { startTelemetry } from "../src/telemetry/index.ts";
import { createToolPolicy } from "../src/tools/policy.ts";
import { startSimulator } from "./simulator/index.ts";

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const CONFIG = `model = "corp/odd-model"
model_context_window = 200000
[model_profiles.corp]
models = ["corp/*"]
stream_mode = "buffered"
auto_continue_max = 5
`;

/** The chat requests one turn sends when every answer is empty (so the agent nudges up to its limit). */
async function requestsOf(frontEnd: "exec" | "tui") {
  const sim = await startSimulator({
    scenario: { responses: Array.from({ length: 10 }, () => ({ text: "" })) },
  });
  const home = mkdtempSync(join(tmpdir(), "cl-parity-"));
  temps.push(home);
  writeFileSync(join(home, "config.toml"), CONFIG);
  const env = { CODEX_HOME: home, HOME: home, LITELLM_BASE_URL: sim.baseUrl, LITELLM_API_KEY: "sk-test-key" };
  try {
    const config = loadConfig({ cli: { configOverrides: [] }, env, cwd: home });
    const policy =
      frontEnd === "exec"
        ? createToolPolicy(config, home, "exec")
        : createToolPolicy(config, home, "interactive", new ApprovalBroker());
    const telemetry = await startTelemetry({ config, env, warn: () => {} });
    const session = await openAgentSession({
      config,
      cwd: home,
      policy,
      telemetry,
      model: config.model,
      source: frontEnd === "exec" ? "exec" : "cli",
      record: false,
      warn: () => {},
    });
    const outcome = await session.submit("hello", new AbortController().signal);
    await session.close();
    await telemetry.close();
    return {
      outcome: outcome.status,
      bodies: sim.requests.filter((r) => r.path.includes("/chat/completions")).map((r) => r.body),
    };
  } finally {
    await sim.close();
  }
}

test("exec and the TUI send the same request shape and nudge as often, from one [model_profiles] row", async () => {
  const exec = await requestsOf("exec");
  const tui = await requestsOf("tui");
  // One request, then auto_continue_max = 5 nudges after empty answers.
  assert.equal(exec.bodies.length, 6, "exec: the per-model nudge limit");
  assert.equal(tui.bodies.length, exec.bodies.length, "the TUI nudges as often as exec");
  assert.deepEqual(
    tui.bodies.map((b) => b.stream),
    exec.bodies.map(() => false),
    'stream_mode = "buffered" in both',
  );
  assert.deepEqual(
    exec.bodies.map((b) => b.stream),
    exec.bodies.map(() => false),
  );
  const shape = (body: any) => ({
    tools: (body.tools ?? []).map((t: any) => t.function?.name).sort(),
    system: body.messages.find((m: any) => m.role === "system")?.content,
    keys: Object.keys(body).sort(),
  });
  assert.deepEqual(shape(tui.bodies[0]), shape(exec.bodies[0]));
  assert.ok(shape(exec.bodies[0]).tools.includes("shell"), "the shell tool is offered");
});
