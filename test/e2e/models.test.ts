// `codex-litellm models` against the simulator's LiteLLM discovery routes.
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { e2e } from "../helpers/e2e.ts";

test("models lists ids with windows from /model_group/info, caches for five minutes, and fails clearly", async () => {
  const t = await e2e({
    models: [{ id: "big-model", max_input_tokens: 200000, max_output_tokens: 8192 }, { id: "mystery-model" }],
    responses: [],
  });
  try {
    const r = await t.run(["models", "-m", "big-model"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split("\n"), [
      "MODEL            CONTEXT  MAX OUTPUT",
      "big-model        200,000       8,192 *",
      "mystery-model    unknown     unknown",
    ]);
    const cache = join(t.ws.home, "cache", "codex-litellm-models.json");
    assert.ok(existsSync(cache));
    assert.equal(statSync(cache).mode & 0o777, 0o600);
    const seen = t.sim.requests.length;
    const json = await t.run(["models", "--json"]);
    assert.deepEqual(JSON.parse(json.stdout), [
      { id: "big-model", context_window: 200000, max_output_tokens: 8192 },
      { id: "mystery-model", context_window: null, max_output_tokens: null },
    ]);
    assert.equal(t.sim.requests.length, seen, "served from the cache");
    const down = await t.run(["models", "--refresh"], { env: { LITELLM_BASE_URL: "http://127.0.0.1:9" } });
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      /^Error: could not list models: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models: nothing listening \(ECONNREFUSED\)/,
    );
  } finally {
    await t.close();
  }
});
