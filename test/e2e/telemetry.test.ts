// Telemetry files written by a real `exec` run: the debug log, the session usage log, modes, redaction,
// the LiteLLM usage card, and the switches (--no-telemetry, an unusable directory).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { e2e, jsonLines, TEST_KEY } from "../helpers/e2e.ts";
import { loadScenario, scenariosDir } from "../simulator/index.ts";

const hello = () => loadScenario(join(scenariosDir, "hello.json"));
const PROMPT = "create hello.txt, then fix the typo in it";

test("exec records debug events and per-response usage under CODEX_HOME/logs", async () => {
  const t = await e2e(hello());
  try {
    const r = await t.run(["exec", "--json", "-m", "sim-model", PROMPT]);
    assert.equal(r.code, 0, r.stderr);
    const logs = join(t.ws.home, "logs");
    const debugName = readdirSync(logs).find((n) => /^\d{8}-\d{6}-\d+-[0-9a-z]{4}\.log$/.test(n));
    assert.ok(debugName, readdirSync(logs).join(", "));
    assert.match(r.stderr, new RegExp(`telemetry: recording debug events to ${join(logs, debugName)}\n`));
    assert.equal(statSync(logs).mode & 0o777, 0o700);
    for (const name of readdirSync(logs)) {
      assert.equal(statSync(join(logs, name)).mode & 0o777, 0o600, name);
      assert.ok(!readFileSync(join(logs, name), "utf8").includes(TEST_KEY), `${name} holds the API key`);
    }

    const completed = jsonLines(r.stdout).at(-1);
    const session = jsonLines(readFileSync(join(logs, "codex-litellm-session.jsonl"), "utf8"));
    assert.equal(session.length, 3, "one line per model response");
    const threadId = jsonLines(r.stdout)[0].thread_id;
    for (const line of session) {
      assert.equal(line.session_id, threadId);
      assert.equal(line.model, "sim-model");
      assert.equal(
        typeof line.response_cost,
        "number",
        "a stream's cost comes in its usage chunk, as LiteLLM sends it",
      );
      assert.equal(line.total_tokens, line.prompt_tokens + line.completion_tokens);
    }
    const sum = (k: string) => session.reduce((n, l) => n + l[k], 0);
    assert.equal(sum("prompt_tokens"), completed.usage.input_tokens);
    assert.equal(sum("completion_tokens"), completed.usage.output_tokens);

    const debug = jsonLines(readFileSync(join(logs, debugName), "utf8"));
    for (const line of debug) assert.equal(line.session_id, threadId, line.kind);
    const kinds = new Set(debug.map((l) => l.kind));
    for (const kind of [
      "wire.request",
      "wire.response",
      "wire.chunk",
      "wire.stream_end",
      "agent.exec_command_end",
    ])
      assert.ok(kinds.has(kind), kind);
    assert.equal(debug.find((l) => l.kind === "wire.response").headers.authorization, undefined);
  } finally {
    await t.close();
  }
});

test("human exec prints the LiteLLM usage card just before `tokens used`", async () => {
  const t = await e2e(hello());
  try {
    const r = await t.run(["exec", "-m", "sim-model", PROMPT]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /\nLiteLLM usage: [\d.]+K? tokens across 3 turns \(last model sim-model • last effort default\) • \$[\d.]+\n {2}• sim-model [\d.]+K? tokens in 3 turns • last effort default • \$[\d.]+\ntokens used: /,
    );
  } finally {
    await t.close();
  }
});

test("--no-telemetry writes nothing; an unusable directory costs one warning, not the run", async () => {
  const t = await e2e({ ...hello(), responses: [...hello().responses, ...hello().responses] });
  try {
    const off = await t.run(["exec", "--no-telemetry", "-m", "sim-model", PROMPT]);
    assert.equal(off.code, 0, off.stderr);
    assert.ok(!existsSync(join(t.ws.home, "logs")));
    assert.doesNotMatch(off.stderr, /telemetry:/);

    writeFileSync(join(t.ws.home, "logs"), "a file where the directory should be");
    const broken = await t.run(["exec", "-m", "sim-model", PROMPT]);
    assert.equal(broken.code, 0, broken.stderr);
    assert.equal(broken.stderr.match(/telemetry: cannot use/g)?.length, 1, broken.stderr);
  } finally {
    await t.close();
  }
});
