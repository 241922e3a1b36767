// Living beside stock Codex, checked against the real thing: the pinned @openai/codex 0.171.0 binary, offline,
// in a temporary CODEX_HOME shared with codex-litellm, talking to a local Responses-API server.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { saveModelChoice } from "../../src/config/writer.ts";
import { onboardingNeeds, saveOnboarding } from "../../src/modes/tui/state/onboarding.ts";
import { saveTrustDecision } from "../../src/modes/tui/state/trust.ts";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import {
  providerToml,
  type ResponsesServer,
  runStockCodex,
  startResponsesServer,
  stockCodexUnavailable,
} from "../helpers/stock-codex.ts";

const unavailable = stockCodexUnavailable();
let responses: ResponsesServer;
before(async () => {
  if (!unavailable) responses = await startResponsesServer();
});
after(() => responses?.close());

/** What stock Codex says about configuration it does not take: nothing, when all is well. */
const CONFIG_COMPLAINT =
  /unrecognized configuration|unknown configuration field|is ignored|no longer supported|cannot be used while|Error loading config/i;

/** config.toml as a stock Codex user has it: its own provider and model at the root, a trust decision. */
function stockConfig(dir: string): string {
  return `model = "m1"\nmodel_provider = "litellm"\n\n${providerToml("litellm", responses.baseUrl)}\n[projects.${JSON.stringify(dir)}]\ntrust_level = "trusted"\n`;
}

describe("stock Codex 0.171 beside codex-litellm", { skip: unavailable }, () => {
  test("what /model, first-run setup and the trust prompt write leaves stock Codex's start clean, -p codex-litellm too", async () => {
    const t = await e2e({ responses: [] }, { trust: false });
    try {
      writeFileSync(join(t.ws.home, "config.toml"), stockConfig(t.ws.dir));
      const before = readFileSync(join(t.ws.home, "config.toml"), "utf8");
      const env = { CODEX_HOME: t.ws.home, HOME: t.ws.home };
      const config = loadConfig({ cli: { configOverrides: [] }, env: { ...env }, cwd: t.ws.dir });
      // First-run setup as the TUI runs it for the built-in provider, then /model, then the trust prompt.
      const fresh = loadConfig({
        cli: { configOverrides: ["model_providers.litellm.base_url=''"] },
        env: { ...env },
        cwd: t.ws.dir,
      });
      const needs = onboardingNeeds({ ...fresh, model: undefined });
      assert.ok(needs, "setup is needed without a base URL");
      saveOnboarding({ ...fresh, model: undefined }, needs, {
        baseUrl: "http://gw:4000/v1",
        apiKey: "sk-x",
        model: "first-model",
      });
      saveModelChoice(config.ownConfigPath, "claude-sonnet", "high");
      assert.equal(saveTrustDecision(config, "untrusted"), undefined);
      assert.equal(readFileSync(join(t.ws.home, "config.toml"), "utf8"), before, "config.toml untouched");
      const own = readFileSync(config.ownConfigPath, "utf8");
      assert.match(own, /model = "claude-sonnet"/);
      assert.match(own, /model_reasoning_effort = "high"/);
      assert.doesNotMatch(own, /wire_api|profiles/);

      for (const args of [[], ["-p", "codex-litellm"]]) {
        const r = await runStockCodex(
          ["exec", "--strict-config", "--skip-git-repo-check", ...args, "ping"],
          t.ws.home,
          t.ws.dir,
        );
        assert.equal(r.code, 0, `codex ${args.join(" ")}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, CONFIG_COMPLAINT);
      }
      // Stock Codex kept its own model at the root; with -p codex-litellm it took ours.
      const models = responses.bodies.slice(-2).map((b) => b.model);
      assert.deepEqual(models, ["m1", "claude-sonnet"]);
      // And we take ours over the root keys meant for stock Codex.
      assert.equal(
        loadConfig({ cli: { configOverrides: [] }, env: { ...env }, cwd: t.ws.dir }).model,
        "claude-sonnet",
      );
    } finally {
      await t.close();
    }
  });

  test("a Codex-written session resumed by codex-litellm: no warnings, history and usage carried over", async () => {
    const t = await e2e({
      responses: [{ text: "second answer", usage: { prompt_tokens: 40, completion_tokens: 3 } }],
    });
    try {
      writeFileSync(join(t.ws.home, "config.toml"), stockConfig(t.ws.dir));
      const stock = await runStockCodex(["exec", "ping"], t.ws.home, t.ws.dir);
      assert.equal(stock.code, 0, stock.stderr);
      // codex-litellm's own file points the shared provider id at our gateway.
      writeFileSync(
        join(t.ws.home, "codex-litellm.config.toml"),
        `[model_providers.litellm]\nbase_url = "${t.sim.origin}"\n`,
      );
      const r = await t.run(["exec", "--json", "resume", "--last", "next"]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /unreadable|skipped|warning/i);
      const events = jsonLines(r.stdout);
      assert.ok(!events.some((e) => e.type === "error" || e.item?.type === "error"), r.stdout);
      const body = t.chatBodies()[0];
      assert.equal(body.model, "m1", "the model stock Codex named in turn_context");
      const messages = body.messages as { role: string; content: string }[];
      assert.deepEqual(
        messages.map((m) => m.role).filter((role) => role === "system"),
        ["system"],
      );
      assert.match(messages[0].content, /permissions instructions/, "Codex's developer message replayed");
      const said = messages.filter((m) => m.role !== "system").map((m) => m.content);
      assert.ok(
        said.includes("ping") && said.includes("pong") && said.at(-1) === "next",
        JSON.stringify(said),
      );
      assert.equal(events.at(-1).usage.input_tokens, 10 + 40, "Codex's token_count carried over");
    } finally {
      await t.close();
    }
  });

  test("a codex-litellm session resumed by stock Codex replays our reasoning, messages and tool calls", async () => {
    const t = await e2e({
      responses: [
        { reasoning: "our secret plan", tool_calls: [{ name: "shell", arguments: { command: ["true"] } }] },
        { reasoning: "wrap up", text: "our answer" },
      ],
    });
    try {
      const ours = await t.run(["exec", "-m", "m1", "first"]);
      assert.equal(ours.code, 0, ours.stderr);
      writeFileSync(join(t.ws.home, "config.toml"), stockConfig(t.ws.dir));
      const before = responses.bodies.length;
      const r = await runStockCodex(
        ["exec", "--strict-config", "resume", "--last", "again"],
        t.ws.home,
        t.ws.dir,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, CONFIG_COMPLAINT);
      const input = responses.bodies[before].input as any[];
      const kinds = input.map((i) =>
        i.type === "message" ? `${i.role}:${i.content[0].text.slice(0, 20)}` : i.type,
      );
      const reasoning = input.filter((i) => i.type === "reasoning");
      assert.deepEqual(
        reasoning.map((i) => i.summary[0].text),
        ["our secret plan", "wrap up"],
        kinds.join(", "),
      );
      assert.ok(
        input.some((i) => i.type === "function_call" && i.name === "shell"),
        kinds.join(", "),
      );
      assert.ok(
        input.some((i) => i.type === "function_call_output"),
        kinds.join(", "),
      );
      assert.ok(
        kinds.includes("user:first") &&
          kinds.includes("assistant:our answer") &&
          kinds.at(-1) === "user:again",
      );
    } finally {
      await t.close();
    }
  });
});

test("stock Codex availability", () => {
  if (unavailable) console.log(`stock Codex tests skipped: ${unavailable}`);
});
