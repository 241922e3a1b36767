// Codex's config keys that used to be accepted and ignored, honoured end to end (built CLI, simulator gateway).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines, TEST_KEY } from "../helpers/e2e.ts";

/** Root keys go before config.toml's first table (the e2e fixture writes a trust table there). */
function addRootKeys(home: string, lines: string[]): void {
  const path = join(home, "config.toml");
  writeFileSync(path, `${lines.join("\n")}\n${readFileSync(path, "utf8")}`);
}

async function waitForFile(path: string, ms = 10_000): Promise<string> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text.endsWith("\n")) return text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} never appeared`);
}

describe("Codex keys honoured", () => {
  test("notify, developer_instructions, model_instructions_file, hide_agent_reasoning, model_verbosity", async () => {
    const t = await e2e({ responses: [{ reasoning: "secret plan", text: "done" }] });
    try {
      const out = join(t.ws.tmp, "notified.json");
      const script = join(t.ws.tmp, "notify.cjs");
      writeFileSync(
        script,
        `require("fs").writeFileSync(${JSON.stringify(out)}, process.argv[2] + "\\n"); console.log("NOT ON THE TERMINAL");`,
      );
      const instructions = join(t.ws.home, "base.md");
      writeFileSync(instructions, "CUSTOM BASE INSTRUCTIONS");
      addRootKeys(t.ws.home, [
        `notify = [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}]`,
        'developer_instructions = "ALWAYS ANSWER IN FRENCH"',
        'model_instructions_file = "base.md"',
        "hide_agent_reasoning = true",
        'model_verbosity = "low"',
      ]);
      const r = await t.run(["exec", "--json", "--strict-config", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      const body = t.chatBodies()[0];
      assert.equal(body.verbosity, "low");
      assert.equal(body.messages.filter((m: { role: string }) => m.role === "system").length, 1);
      assert.match(body.messages[0].content, /^CUSTOM BASE INSTRUCTIONS\n\nALWAYS ANSWER IN FRENCH$/);
      const events = jsonLines(r.stdout);
      assert.equal(events.filter((e) => e.item?.type === "reasoning").length, 0, "reasoning hidden");
      assert.doesNotMatch(r.stdout + r.stderr, /NOT ON THE TERMINAL|secret plan/);
      const payload = JSON.parse(await waitForFile(out));
      assert.deepEqual(
        { ...payload, "thread-id": "x", "turn-id": "y" },
        {
          type: "agent-turn-complete",
          "thread-id": "x",
          "turn-id": "y",
          cwd: t.ws.dir,
          "input-messages": ["go"],
          "last-assistant-message": "done",
        },
      );
      assert.equal(payload["thread-id"], events[0].thread_id);
    } finally {
      await t.close();
    }
  });

  test("project_root_markers bounds AGENTS.md discovery; history.max_bytes trims history.jsonl", async () => {
    const t = await e2e({ responses: [{ text: "a" }, { text: "b" }] });
    try {
      const sub = join(t.ws.dir, "pkg");
      mkdirSync(sub);
      writeFileSync(join(t.ws.dir, "AGENTS.md"), "ROOT DOC");
      writeFileSync(join(sub, "AGENTS.md"), "PKG DOC");
      writeFileSync(join(sub, "package.json"), "{}");
      const old = `${JSON.stringify({ session_id: "s", ts: 1, text: "x".repeat(80) })}\n`;
      writeFileSync(join(t.ws.home, "history.jsonl"), old.repeat(10));
      const docs = () => JSON.stringify(t.chatBodies().at(-1).messages);
      const r1 = await t.run(["exec", "-m", "m", "first"], { cwd: sub });
      assert.equal(r1.code, 0, r1.stderr);
      assert.match(docs(), /ROOT DOC/);
      addRootKeys(t.ws.home, ['project_root_markers = ["package.json"]', "history.max_bytes = 500"]);
      const r2 = await t.run(["exec", "-m", "m", "second"], { cwd: sub });
      assert.equal(r2.code, 0, r2.stderr);
      assert.doesNotMatch(docs(), /ROOT DOC/);
      assert.match(docs(), /PKG DOC/);
      const history = readFileSync(join(t.ws.home, "history.jsonl"), "utf8");
      assert.ok(history.length <= 400, `${history.length} bytes kept`);
      assert.match(history, /"text":"second"/);
    } finally {
      await t.close();
    }
  });

  test('a normal Codex config: model_provider = "openai" over Chat Completions, or ours from our own file', async () => {
    const t = await e2e({ responses: [{ text: "via openai" }, { text: "via ours" }] });
    try {
      addRootKeys(t.ws.home, [
        'model_provider = "openai"',
        'model = "gpt-5.4"',
        `openai_base_url = "${t.sim.origin}/v1"`,
      ]);
      const env = { LITELLM_BASE_URL: undefined, LITELLM_API_KEY: undefined, OPENAI_API_KEY: TEST_KEY };
      const r1 = await t.run(["exec", "--strict-config", "go"], { env });
      assert.equal(r1.code, 0, r1.stderr);
      assert.equal(r1.stdout.trim(), "via openai");
      assert.equal(t.chatBodies()[0].model, "gpt-5.4");
      writeFileSync(
        join(t.ws.home, "codex-litellm.config.toml"),
        `model_provider = "litellm"\nmodel = "claude"\n[model_providers.litellm]\nbase_url = "${t.sim.origin}"\n`,
      );
      const r2 = await t.run(["exec", "go"], { env: { ...env, LITELLM_API_KEY: TEST_KEY } });
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal(t.chatBodies()[1].model, "claude");
    } finally {
      await t.close();
    }
  });

  test("exec resume restores the last usage: a session at 97% of its window is compacted first", async () => {
    const t = await e2e({
      responses: [
        { text: "first answer", usage: { prompt_tokens: 950, completion_tokens: 20 } },
        { text: "SUMMARY", usage: { prompt_tokens: 100, completion_tokens: 10 } },
        { text: "second answer", usage: { prompt_tokens: 120, completion_tokens: 5 } },
      ],
    });
    try {
      addRootKeys(t.ws.home, ["context_length = 1000"]);
      const r1 = await t.run(["exec", "-m", "m", "first"]);
      assert.equal(r1.code, 0, r1.stderr);
      const r2 = await t.run(["exec", "--json", "-m", "m", "resume", "--last", "second"]);
      assert.equal(r2.code, 0, r2.stderr);
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 3);
      assert.equal(bodies[1].tools, undefined, "the first request after resume is the summary");
      assert.equal(jsonLines(r2.stdout).at(-1).usage.input_tokens, 950 + 100 + 120, "totals carry on");
    } finally {
      await t.close();
    }
  });
});
