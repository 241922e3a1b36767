import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { Env } from "./env.ts";
import { keyPosition } from "./known-keys.ts";
import { loadConfig } from "./load.ts";
import type { CliOverrides, ResolvedConfig } from "./types.ts";

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A CODEX_HOME holding `files` (name → text). */
function home(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cl-layers-"));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function load(files: Record<string, string>, cli: Partial<CliOverrides> = {}, env: Env = {}): ResolvedConfig {
  const dir = home(files);
  return loadConfig({
    cli: { configOverrides: [], ...cli },
    env: { CODEX_HOME: dir, HOME: dir, ...env },
    cwd: dir,
  });
}

const STOCK = 'model_provider = "openai"\nmodel = "gpt-5.4"\nmodel_reasoning_effort = "high"\n';

describe("codex-litellm.config.toml and NAME.config.toml", () => {
  test("our own file is layered over config.toml's root keys, which stock Codex keeps", () => {
    const c = load({
      "config.toml": STOCK,
      "codex-litellm.config.toml": 'model_provider = "litellm"\nmodel = "claude"\n',
    });
    assert.equal(c.provider.id, "litellm");
    assert.equal(c.model, "claude");
    // A root key chosen for another provider is not inherited.
    assert.equal(c.reasoningEffort, undefined);
    assert.equal(c.ownConfigPath.endsWith("codex-litellm.config.toml"), true);
    assert.deepEqual(c.warnings, []);
  });

  test("-p NAME layers NAME.config.toml over ours; -c and flags over both", () => {
    const files = {
      "config.toml": 'model = "root"\n',
      "codex-litellm.config.toml": 'model = "ours"\nmodel_reasoning_effort = "low"\n',
      "fast.config.toml": 'model = "fast"\n',
    };
    assert.equal(load(files).model, "ours");
    const p = load(files, { profile: "fast" });
    assert.equal(p.model, "fast");
    assert.equal(p.profile, "fast");
    assert.equal(p.reasoningEffort, "low");
    assert.equal(load(files, { profile: "fast", configOverrides: ["model=c"] }).model, "c");
    assert.equal(load(files, { profile: "fast", configOverrides: ["model=c"], model: "flag" }).model, "flag");
  });

  test("a legacy [profiles.NAME] table is still read for -p NAME when no NAME.config.toml exists", () => {
    const c = load({ "config.toml": 'model = "root"\n[profiles.old]\nmodel = "old"\n' }, { profile: "old" });
    assert.equal(c.model, "old");
    // The file wins over the table.
    const d = load(
      { "config.toml": '[profiles.old]\nmodel = "table"\n', "old.config.toml": 'model = "file"\n' },
      { profile: "old" },
    );
    assert.equal(d.model, "file");
  });

  test("the legacy [profiles.codex-litellm] table sits below our own file", () => {
    const c = load({
      "config.toml": '[profiles.codex-litellm]\nmodel = "legacy"\nmodel_reasoning_effort = "high"\n',
      "codex-litellm.config.toml": 'model = "new"\n',
    });
    assert.equal(c.model, "new");
    assert.equal(c.reasoningEffort, "high");
  });
});

describe("built-in providers as stock Codex knows them", () => {
  test("openai: Chat Completions at api.openai.com with OPENAI_API_KEY, or openai_base_url", () => {
    const c = load({ "config.toml": STOCK }, {}, { OPENAI_API_KEY: "sk-o", OPENAI_ORGANIZATION: "org" });
    assert.equal(c.provider.id, "openai");
    assert.equal(c.provider.baseUrl, "https://api.openai.com/v1");
    assert.equal(c.provider.apiKey, "sk-o");
    assert.equal(c.provider.httpHeaders["OpenAI-Organization"], "org");
    assert.equal(c.model, "gpt-5.4");
    const d = load({ "config.toml": `${STOCK}openai_base_url = "http://proxy:9/v1"\n` });
    assert.equal(d.provider.baseUrl, "http://proxy:9/v1");
  });

  test("openai: the key from auth.json; a ChatGPT sign-in is refused in one line", () => {
    const key = load({ "config.toml": STOCK, "auth.json": '{"OPENAI_API_KEY":"sk-file"}' });
    assert.equal(key.provider.apiKey, "sk-file");
    assert.throws(
      () => load({ "config.toml": STOCK, "auth.json": '{"OPENAI_API_KEY":null,"tokens":{"id_token":"x"}}' }),
      /auth\.json holds a ChatGPT sign-in, which codex-litellm cannot use: set OPENAI_API_KEY/,
    );
  });

  test("ollama and lmstudio on localhost, moved by CODEX_OSS_PORT or CODEX_OSS_BASE_URL", () => {
    const ollama = load({ "config.toml": 'model_provider = "ollama"\n' });
    assert.equal(ollama.provider.baseUrl, "http://localhost:11434/v1");
    assert.equal(ollama.provider.apiKey, undefined);
    const lm = load({ "config.toml": 'model_provider = "lmstudio"\n' }, {}, { CODEX_OSS_PORT: "4321" });
    assert.equal(lm.provider.baseUrl, "http://localhost:4321/v1");
    const moved = load(
      { "config.toml": 'model_provider = "ollama"\n' },
      {},
      { CODEX_OSS_BASE_URL: "http://gpu:1/v1" },
    );
    assert.equal(moved.provider.baseUrl, "http://gpu:1/v1");
  });

  test('wire_api absent, "responses" or "chat" is accepted for our providers', () => {
    for (const wire of ["", 'wire_api = "responses"\n', 'wire_api = "chat"\n']) {
      const c = load({ "config.toml": `model_provider = "gw"\n[model_providers.gw]\nname = "gw"\n${wire}` });
      assert.deepEqual(c.warnings, []);
    }
  });
});

describe("unknown keys", () => {
  const TYPO = 'model = "m"\nmodle = "x"\n\n[history]\nmax_byte = 1\n';

  test("one warning line naming each unknown key with file:line:col", () => {
    const c = load({ "config.toml": TYPO });
    assert.equal(c.warnings.length, 1);
    assert.match(
      c.warnings[0],
      /ignoring 2 unrecognized configuration setting\(s\): `modle` \(.*config\.toml:2:1\), `history\.max_byte` \(.*config\.toml:5:1\)/,
    );
  });

  test("--strict-config makes the first an error, worded as Codex words it", () => {
    assert.throws(
      () => load({ "config.toml": TYPO }, { strictConfig: true }),
      /config\.toml:2:1: unknown configuration field `modle`$/,
    );
  });

  test("-c keys are checked too: a warning naming the override, or with --strict-config Codex's error", () => {
    const known = ["telemetry.enabled=false", 'model_providers.x.stream_mode="auto"'];
    const c = load({}, { configOverrides: ["modle=1", ...known, "history.max_byte=1"] });
    assert.deepEqual(c.warnings, [
      "ignoring 2 unrecognized configuration setting(s): `modle` (-c modle), `history.max_byte` (-c history.max_byte)",
    ]);
    assert.throws(
      () => load({}, { configOverrides: ["context_length=5", "modle=1"], strictConfig: true }),
      /: unknown configuration field `modle` in -c\/--config override$/,
    );
    assert.deepEqual(load({}, { configOverrides: known, strictConfig: true }).warnings, []);
  });

  test("Codex's documented keys and ours are known; ours in config.toml earn a hint to move them", () => {
    const codex =
      'notify = ["x"]\ndeveloper_instructions = "d"\nhide_agent_reasoning = true\nshow_raw_agent_reasoning = false\n' +
      'model_verbosity = "low"\nmodel_reasoning_summary = "auto"\nproject_root_markers = [".git"]\n' +
      '[history]\nmax_bytes = 10\n[projects."/x"]\ntrust_level = "trusted"\n[tui]\nanything = 1\n';
    assert.deepEqual(load({ "config.toml": codex }, { strictConfig: true }).warnings, []);
    const ours =
      'context_length = 5\nauto_continue_max = 1\n[telemetry]\nenabled = false\n[model_providers.litellm]\nstream_mode = "auto"\n';
    assert.deepEqual(load({ "codex-litellm.config.toml": ours }, { strictConfig: true }).warnings, []);
    const limits =
      "shell_timeout_max_ms = 1000\n[model_providers.litellm]\nstream_max_event_bytes = 2048\n" +
      "response_max_bytes = 4096\nrequest_max_duration_ms = 100\ntool_arguments_max_bytes = 64\n";
    assert.deepEqual(load({ "codex-litellm.config.toml": limits }, { strictConfig: true }).warnings, []);
    const misplaced = load({ "config.toml": ours }, { strictConfig: true });
    assert.equal(misplaced.warnings.length, 1);
    assert.match(
      misplaced.warnings[0],
      /context_length, telemetry, auto_continue_max, model_providers\.litellm\.stream_mode in .* make stock Codex warn; move them to .*codex-litellm\.config\.toml/,
    );
  });

  test("keyPosition finds keys in tables, dotted keys and headers", () => {
    const text = "[a]\nx = 1\n[b.c]\n  y.z = 2\n[d]\n";
    assert.equal(keyPosition(text, ["a", "x"]), "2:1");
    assert.equal(keyPosition(text, ["b", "c", "y"]), "4:3");
    assert.equal(keyPosition(text, ["d"]), "5:2");
  });
});
