// `login`, `logout` and `doctor` through the built CLI. The key always travels on stdin, never on argv.
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { e2e, TEST_KEY } from "../helpers/e2e.ts";

/** The gateway is known only through what login saved: no variables from the test's environment. */
const SAVED_ONLY = { LITELLM_BASE_URL: undefined, LITELLM_API_KEY: undefined };

test("login checks the URL and key before saving, fixes a wrong URL, and the next run uses it; logout forgets the key", async () => {
  const t = await e2e({
    models: [{ id: "good-model", max_input_tokens: 100_000 }],
    responses: [{ text: "fixed" }],
  });
  try {
    const envFile = join(t.ws.home, ".env");
    // A first run typed a wrong URL.
    writeFileSync(envFile, 'LITELLM_BASE_URL="http://127.0.0.1:9/v1"\nLITELLM_API_KEY="sk-old"\n', {
      mode: 0o600,
    });
    const broken = await t.run(["exec", "-m", "good-model", "go"], { env: SAVED_ONLY });
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions: nothing listening/,
    );

    const login = (args: string[], key: string) =>
      t.run(["login", ...args, "--with-api-key"], { env: SAVED_ONLY, input: `${key}\n` });
    const unreachable = await login(["--base-url", "http://127.0.0.1:9"], TEST_KEY);
    assert.equal(unreachable.code, 1);
    assert.match(
      unreachable.stderr,
      /^Error: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models: nothing listening \(ECONNREFUSED\).*; nothing was saved\n$/,
    );
    const wrongKey = await login(["--base-url", t.sim.origin], "sk-wrong");
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /401 \(unauthorized: check LITELLM_API_KEY\).*; nothing was saved/);
    const wrongModel = await login(["--base-url", t.sim.origin, "--model", "no-such-model"], TEST_KEY);
    assert.equal(wrongModel.code, 1);
    assert.match(
      wrongModel.stderr,
      /does not list the model "no-such-model" \(it lists good-model\); nothing was saved/,
    );
    assert.match(readFileSync(envFile, "utf8"), /127\.0\.0\.1:9/, "nothing was saved by the failed attempts");

    const ok = await login(["--base-url", t.sim.origin, "--model", "good-model"], TEST_KEY);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /answered: 1 model for this key/);
    assert.equal(
      readFileSync(envFile, "utf8"),
      `LITELLM_BASE_URL="${t.sim.origin}/v1"\nLITELLM_API_KEY="${TEST_KEY}"\n`,
    );
    assert.equal(statSync(envFile).mode & 0o777, 0o600);
    // Where /model and first-run setup keep it: codex-litellm's own file, not config.toml.
    assert.match(
      readFileSync(join(t.ws.home, "codex-litellm.config.toml"), "utf8"),
      /^model = "good-model"$/m,
    );
    assert.ok(!ok.stderr.includes(TEST_KEY) && !ok.stdout.includes(TEST_KEY));

    const run = await t.run(["exec", "go"], { env: SAVED_ONLY });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "fixed\n");

    const logout = await t.run(["logout"], { env: SAVED_ONLY });
    assert.equal(logout.code, 0);
    assert.equal(logout.stderr, `Removed LITELLM_API_KEY from ${envFile}.\n`);
    assert.equal(readFileSync(envFile, "utf8"), `LITELLM_BASE_URL="${t.sim.origin}/v1"\n`);
    const after = await t.run(["exec", "go"], { env: SAVED_ONLY });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /^Error: missing API key: .*codex-litellm login/);
  } finally {
    await t.close();
  }
});

test("login without a terminal or flags says how to script it; the key never goes on argv", async () => {
  const t = await e2e({ responses: [] });
  try {
    const r = await t.run(["login"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /no terminal to ask in; in scripts, pipe the key: `printenv LITELLM_API_KEY \| codex-litellm login --base-url URL --with-api-key`/,
    );
    assert.ok(!existsSync(join(t.ws.home, ".env")));
    const help = await t.run(["login", "--help"]);
    assert.match(help.stdout, /--with-api-key/);
    assert.doesNotMatch(help.stdout, /--api-key </);
  } finally {
    await t.close();
  }
});

test("doctor explains a working setup, one line each, and names what is wrong in a broken one", async () => {
  const t = await e2e({
    models: [{ id: "good-model", max_input_tokens: 100_000 }, { id: "other" }],
    responses: [],
  });
  try {
    const good = await t.run(["doctor", "-m", "good-model"]);
    assert.equal(good.code, 0, good.stdout);
    const lines = good.stdout.trimEnd().split("\n");
    const find = (what: string) =>
      lines.find((l) => l.slice(6).startsWith(`${what}:`)) ?? `(no ${what} line)`;
    assert.match(find("config"), /^ok {4}config: .*config\.toml$/);
    assert.match(find("model"), /^ok {4}model: good-model \(-m\)$/);
    assert.match(
      find("base URL"),
      /^ok {4}base URL: http:\/\/127\.0\.0\.1:\d+\/v1 \(LITELLM_BASE_URL from the environment\)$/,
    );
    assert.match(find("API key"), /^ok {4}API key: set \(LITELLM_API_KEY from the environment\)$/);
    assert.match(find("gateway"), /^ok {4}gateway: .* answers \/models$/);
    assert.match(find("key"), /^ok {4}key: accepted$/);
    assert.match(find("models"), /^ok {4}models: 2 listed/);
    assert.match(
      find("context window"),
      /^ok {4}context window: good-model: 100,000 tokens \(from the gateway\)$/,
    );
    assert.match(find("sandbox"), /^(ok {4}|warn {2})sandbox: /);
    assert.match(find("node"), /^ok {4}node: \d+\./);
    assert.match(find("telemetry"), /^ok {4}telemetry: .*logs \(writable\)$/);
    assert.ok(!good.stdout.includes(TEST_KEY), "never prints the key");

    writeFileSync(join(t.ws.home, "codex-litellm.config.toml"), 'model = "good-model"\n');
    const own = await t.run(["doctor"]);
    assert.match(own.stdout, /\nok {4}model: good-model \(codex-litellm\.config\.toml\)\n/);
    const layered = await t.run(["doctor", "-c", "model=other", "-c", "context_length=5000"]);
    assert.match(layered.stdout, /\nok {4}model: other \(-c\)\n/);
    assert.match(layered.stdout, /\nok {4}context window: other: 5,000 tokens \(context_length\)\n/);

    const wrongKey = await t.run(["doctor", "-m", "good-model"], { env: { LITELLM_API_KEY: "sk-wrong" } });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stdout, /\nFAIL {2}key: rejected: .*401/);
    const unknownModel = await t.run(["doctor", "-m", "typo-model"]);
    assert.equal(unknownModel.code, 1);
    assert.match(unknownModel.stdout, /\nFAIL {2}this model: typo-model is not listed by the gateway/);
    const down = await t.run(["doctor"], { env: { LITELLM_BASE_URL: "http://127.0.0.1:9" } });
    assert.equal(down.code, 1);
    assert.match(
      down.stdout,
      /\nFAIL {2}gateway: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models: nothing listening/,
    );
    const none = await t.run(["doctor"], {
      env: { LITELLM_BASE_URL: undefined, LITELLM_API_KEY: undefined },
    });
    assert.equal(none.code, 1);
    assert.match(none.stdout, /\nFAIL {2}base URL: not set: run `codex-litellm login`/);
    assert.match(none.stdout, /\nFAIL {2}API key: not set/);
  } finally {
    await t.close();
  }
});
