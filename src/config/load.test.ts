import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { Env } from "./env.ts";
import { loadConfig } from "./load.ts";
import { type CliOverrides, ConfigError, type ResolvedConfig } from "./types.ts";

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A fresh CODEX_HOME with optional config.toml and .env, plus an explicit env pointing at it. */
function home(toml?: string, dotenv?: string): { dir: string; env: Env } {
  const dir = mkdtempSync(join(tmpdir(), "cl-home-"));
  temps.push(dir);
  if (toml !== undefined) writeFileSync(join(dir, "config.toml"), toml);
  if (dotenv !== undefined) writeFileSync(join(dir, ".env"), dotenv);
  return { dir, env: { CODEX_HOME: dir, HOME: dir } };
}

function load(toml?: string, cli: Partial<CliOverrides> = {}, extraEnv: Env = {}): ResolvedConfig {
  const { dir, env } = home(toml);
  return loadConfig({ cli: { configOverrides: [], ...cli }, env: { ...env, ...extraEnv }, cwd: dir });
}

describe("loadConfig defaults", () => {
  test("no config file gives the documented defaults", () => {
    const { dir, env } = home();
    const c = loadConfig({ cli: { configOverrides: [] }, env, cwd: dir });
    assert.equal(c.codexHome, dir);
    assert.equal(c.configPath, join(dir, "config.toml"));
    assert.equal(c.profile, undefined);
    assert.equal(c.model, undefined);
    assert.deepEqual(c.provider, {
      id: "litellm",
      name: "LiteLLM",
      baseUrl: undefined,
      envKey: "LITELLM_API_KEY",
      apiKey: undefined,
      wireApi: "responses",
      queryParams: {},
      httpHeaders: {},
      requestMaxRetries: 4,
      streamMaxRetries: 5,
      streamIdleTimeoutMs: 60000,
      connectionRetryWindowMs: 60000,
      streamMaxEventBytes: 16 * 1024 * 1024,
      responseMaxBytes: 128 * 1024 * 1024,
      requestMaxDurationMs: 7_200_000,
      toolArgumentsMaxBytes: 1024 * 1024,
      streamMode: "auto",
      bufferedModels: [],
    });
    assert.equal(c.approvalPolicy, "on-request");
    assert.equal(c.sandboxMode, "workspace-write");
    assert.deepEqual(c.writableRoots, []);
    assert.equal(c.networkAccess, false);
    assert.deepEqual(c.shellEnvironmentPolicy, {
      inherit: "all",
      ignoreDefaultExcludes: false,
      exclude: [],
      includeOnly: [],
      set: {},
    });
    assert.equal(c.projectDocMaxBytes, 32768);
    assert.deepEqual(c.projectDocFallbackFilenames, []);
    assert.equal(c.historyPersistence, "save-all");
    assert.equal(c.notify, undefined);
    assert.deepEqual(c.warnings, []);
  });
});

describe("precedence: flag > -c > profile > root > default", () => {
  const root = 'model = "root-m"\nmodel_reasoning_effort = "low"\n';
  const profile = '[profiles.p]\nmodel = "prof-m"\nmodel_reasoning_effort = "medium"\n';
  const cases: [string, string, Partial<CliOverrides>, string | undefined, string | undefined][] = [
    ["default", "", {}, undefined, undefined],
    ["root", root, {}, "root-m", "low"],
    ["profile", root + profile, { profile: "p" }, "prof-m", "medium"],
    [
      "-c",
      root + profile,
      { profile: "p", configOverrides: ["model=cli-c", "model_reasoning_effort=high"] },
      "cli-c",
      "high",
    ],
    [
      "flag",
      root + profile,
      { profile: "p", model: "flag-m", configOverrides: ["model=cli-c"] },
      "flag-m",
      "medium",
    ],
  ];
  for (const [name, toml, cli, model, effort] of cases) {
    test(name, () => {
      const c = load(toml, cli);
      assert.equal(c.model, model);
      assert.equal(c.reasoningEffort, effort);
    });
  }
});

describe("profiles", () => {
  test("a legacy profiles.codex-litellm table is layered by default, with a note on moving it", () => {
    const c = load('model = "root"\n[profiles.codex-litellm]\nmodel = "cl"\n[profiles.other]\nmodel = "o"\n');
    assert.equal(c.profile, undefined);
    assert.equal(c.model, "cl");
    assert.equal(c.warnings.length, 1);
    assert.match(
      c.warnings[0],
      /\[profiles\.codex-litellm\] in .*config\.toml is read for now.*move its keys to the top of .*codex-litellm\.config\.toml/,
    );
    assert.equal(load('model = "root"\n[profiles.other]\nmodel = "o"\n').profile, undefined);
  });

  test("root `profile` key and `-c profile=` select; --profile beats both", () => {
    const toml =
      'profile = "a"\n[profiles.a]\nmodel = "A"\n[profiles.b]\nmodel = "B"\n[profiles.codex-litellm]\n';
    assert.equal(load(toml).model, "A");
    assert.equal(load(toml, { configOverrides: ["profile=b"] }).model, "B");
    assert.equal(load(toml, { profile: "codex-litellm", configOverrides: ["profile=b"] }).model, undefined);
  });

  test("--profile naming a missing profile is an error", () => {
    const { dir, env } = home("[profiles.a]\n");
    assert.throws(() => loadConfig({ cli: { configOverrides: [], profile: "nope" }, env, cwd: dir }), {
      name: "ConfigError",
      message: `config profile \`nope\` not found: no nope.config.toml beside ${join(dir, "config.toml")}`,
    });
  });

  test("-c can edit the profile, plain or with quoted segments", () => {
    const toml = '[profiles.codex-litellm]\nmodel = "cl"\n';
    assert.equal(load(toml, { configOverrides: ["profiles.codex-litellm.model=y"] }).model, "y");
    assert.equal(load(toml, { configOverrides: ['profiles."codex-litellm".model=z'] }).model, "z");
    // Creating the profile through -c activates it.
    assert.equal(load("", { configOverrides: ["profiles.codex-litellm.model=w"] }).model, "w");
  });

  test("a -c root key beats the profile even when the profile is edited by -c too", () => {
    const c = load('[profiles.codex-litellm]\nmodel = "cl"\n', {
      configOverrides: ["model=x", "profiles.codex-litellm.model=y"],
    });
    assert.equal(c.model, "x");
    assert.equal(c.raw["model"], "x");
  });

  test("profile tables merge deeply with root tables; a -c table replaces the merged one", () => {
    const toml =
      '[sandbox_workspace_write]\nwritable_roots = ["/r"]\n' +
      "[profiles.codex-litellm.sandbox_workspace_write]\nnetwork_access = true\n";
    const c = load(toml);
    assert.deepEqual(c.writableRoots, ["/r"]);
    assert.equal(c.networkAccess, true);
    const d = load(toml, { configOverrides: ["sandbox_workspace_write={network_access=false}"] });
    assert.deepEqual(d.writableRoots, []);
    assert.equal(d.networkAccess, false);
  });

  test("root model keys are not inherited by a profile that switches provider", () => {
    const stock =
      'model_provider = "openai"\nmodel = "gpt-5.4"\nmodel_reasoning_effort = "high"\n' +
      '[model_providers.openai]\nname = "OpenAI"\n' +
      '[profiles.codex-litellm]\nmodel_provider = "litellm"\n';
    const c = load(stock);
    assert.equal(c.provider.id, "litellm");
    assert.equal(c.model, undefined);
    assert.equal(c.reasoningEffort, undefined);
    assert.equal(load(stock, { configOverrides: ["model=m"] }).model, "m");
    // Same provider: root keys are inherited.
    assert.equal(load('model = "r"\n[profiles.codex-litellm]\nmodel_provider = "litellm"\n').model, "r");
  });
});

describe(".env", () => {
  test("$CODEX_HOME/.env fills the env without overriding what is set", () => {
    const { dir, env } = home(undefined, "LITELLM_BASE_URL=http://from-file:4000\nLITELLM_API_KEY=sk-file\n");
    env["LITELLM_API_KEY"] = "sk-shell";
    const c = loadConfig({ cli: { configOverrides: [] }, env, cwd: dir });
    assert.equal(c.provider.baseUrl, "http://from-file:4000/v1");
    assert.equal(c.provider.apiKey, "sk-shell");
    assert.equal(env["LITELLM_BASE_URL"], "http://from-file:4000");
  });
});

describe("providers", () => {
  test("a user [model_providers.litellm] table overrides the built-in key by key", () => {
    const c = load(
      '[model_providers.litellm]\nname = "Corp"\nstream_mode = "buffered"\n',
      {},
      {
        LITELLM_BASE_URL: "https://gw.example.com/",
        LITELLM_API_KEY: "sk",
      },
    );
    assert.equal(c.provider.name, "Corp");
    assert.equal(c.provider.baseUrl, "https://gw.example.com/v1");
    assert.equal(c.provider.envKey, "LITELLM_API_KEY", "omitted keys keep the built-in value");
    assert.equal(c.provider.apiKey, "sk");
    assert.equal(c.provider.streamMode, "buffered");
    const own = load(
      '[model_providers.litellm]\nbase_url = "http://own:1/x/"\nenv_key = "K"\n',
      {},
      { K: " k1 " },
    );
    assert.equal(own.provider.name, "LiteLLM");
    assert.equal(own.provider.baseUrl, "http://own:1/x");
    assert.equal(own.provider.apiKey, "k1");
  });

  test("another provider id, selected by -c, with its own keys", () => {
    const toml =
      '[model_providers.corp]\nname = "Corp"\nbase_url = "http://corp:8080"\nenv_key = "CORP_KEY"\n' +
      'wire_api = "responses"\nquery_params = { "api-version" = "2025" }\nhttp_headers = { "X-A" = "1" }\n' +
      "request_max_retries = 1000\nstream_max_retries = 2\nstream_idle_timeout_ms = 1000\n";
    const c = load(toml, { configOverrides: ["model_provider=corp"] }, { CORP_KEY: "ck" });
    assert.equal(c.provider.id, "corp");
    assert.equal(c.provider.baseUrl, "http://corp:8080/v1");
    assert.equal(c.provider.apiKey, "ck");
    assert.equal(c.provider.wireApi, "responses");
    assert.deepEqual(c.provider.queryParams, { "api-version": "2025" });
    assert.deepEqual(c.provider.httpHeaders, { "X-A": "1" });
    assert.equal(c.provider.requestMaxRetries, 100);
    assert.equal(c.provider.streamMaxRetries, 2);
    assert.equal(c.provider.streamIdleTimeoutMs, 1000);
    assert.deepEqual(c.warnings, []);
  });

  test("an unknown provider id is an error", () => {
    const { dir, env } = home('model_provider = "nope"\n');
    assert.throws(() => loadConfig({ cli: { configOverrides: [] }, env, cwd: dir }), {
      name: "ConfigError",
      message: `model provider \`nope\` is not defined in ${join(dir, "config.toml")}`,
    });
  });

  test("env_http_headers resolve from the env; unset or blank variables are skipped", () => {
    const toml =
      '[model_providers.litellm]\nhttp_headers = { "X-Static" = "s", "X-Both" = "static" }\n' +
      'env_http_headers = { "X-Team" = "TEAM", "X-Blank" = "BLANK", "X-Unset" = "UNSET", "X-Both" = "BOTH" }\n';
    const c = load(toml, {}, { TEAM: "t1", BLANK: "  ", BOTH: "from-env" });
    assert.deepEqual(c.provider.httpHeaders, { "X-Static": "s", "X-Both": "from-env", "X-Team": "t1" });
  });

  test("experimental_bearer_token wins; a blank env key reads as no key", () => {
    const toml =
      '[model_providers.litellm]\nenv_key = "LITELLM_API_KEY"\nexperimental_bearer_token = "lit"\n';
    assert.equal(load(toml, {}, { LITELLM_API_KEY: "env" }).provider.apiKey, "lit");
    assert.equal(load("", {}, { LITELLM_API_KEY: "   " }).provider.apiKey, undefined);
  });

  test("an unrecognised wire_api is kept with a warning", () => {
    const c = load('[model_providers.litellm]\nwire_api = "grpc"\n');
    assert.equal(c.provider.wireApi, "grpc");
    assert.equal(c.warnings.length, 1);
    assert.match(c.warnings[0], /wire_api = "grpc"/);
  });
});

describe("model keys", () => {
  test("context_length is an alias of model_context_window and wins", () => {
    assert.equal(load("model_context_window = 1000\n").contextWindow, 1000);
    assert.equal(load("context_length = 2000\n").contextWindow, 2000);
    assert.equal(load("model_context_window = 1000\ncontext_length = 2000\n").contextWindow, 2000);
    assert.equal(load("model_auto_compact_token_limit = 900\n").autoCompactTokenLimit, 900);
  });

  test("an unknown reasoning effort is sent as given with a warning", () => {
    const c = load('model_reasoning_effort = "turbo"\n');
    assert.equal(c.reasoningEffort, "turbo");
    assert.match(c.warnings[0], /model_reasoning_effort/);
  });
});

describe("errors", () => {
  test("a TOML syntax error names file:line:column", () => {
    const { dir, env } = home('model = "a"\n\nfoo = = 1\n');
    const path = join(dir, "config.toml");
    assert.throws(
      () => loadConfig({ cli: { configOverrides: [] }, env, cwd: dir }),
      (e: unknown) => {
        assert.ok(e instanceof Error && e.name === "ConfigError");
        assert.match(
          e.message,
          new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:7: invalid TOML: .+`),
        );
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  });

  test("invalid enum values name the key and the allowed values", () => {
    assert.throws(() => load('approval_policy = "sometimes"\n'), {
      name: "ConfigError",
      message:
        'invalid config value for `approval_policy`: the string "sometimes" ' +
        "(allowed: untrusted, on-request, on-failure, never)",
    });
    assert.throws(() => load('sandbox_mode = "yes"\n', { sandboxMode: "read-only" }), /`sandbox_mode`/);
    assert.throws(
      () => load('[shell_environment_policy]\ninherit = "some"\n'),
      /shell_environment_policy\.inherit/,
    );
    assert.throws(() => load('[history]\npersistence = "all"\n'), /`history\.persistence`.*save-all, none/);
    assert.throws(
      () => load('[model_providers.litellm]\nstream_mode = "x"\n'),
      /model_providers\.litellm\.stream_mode/,
    );
  });

  test("wrong types name the key", () => {
    assert.throws(() => load('model_context_window = "big"\n'), {
      name: "ConfigError",
      message:
        'invalid config value for `model_context_window`: expected an integer >= 1, got the string "big"',
    });
    assert.throws(
      () => load("", { configOverrides: ["project_doc_max_bytes=lots"] }),
      /`project_doc_max_bytes`/,
    );
    assert.throws(() => load("model = 3\n"), /`model`: expected a string, got number 3/);
    assert.throws(() => load('notify = "say"\n'), /`notify`: expected an array of strings/);
    assert.throws(() => load("profiles = 1\n", { profile: "x" }), /`profiles`: expected a table/);
    assert.throws(() => load("[model_providers.litellm]\nrequest_max_retries = -1\n"), /request_max_retries/);
  });

  test("unknown keys are ignored and kept in raw", () => {
    const c = load('future_key = "x"\n[tui]\ntheme = "dark"\n');
    assert.equal(c.raw["future_key"], "x");
    assert.deepEqual(c.raw["tui"], { theme: "dark" });
  });
});

describe("policy keys and CLI flags", () => {
  test("policy keys are read", () => {
    const c = load(
      'approval_policy = "never"\nsandbox_mode = "workspace-write"\nnotify = ["say", "done"]\n' +
        'project_doc_max_bytes = 0\nproject_doc_fallback_filenames = ["CLAUDE.md"]\n' +
        '[sandbox_workspace_write]\nwritable_roots = ["rel", "~/x", "/abs"]\nnetwork_access = true\n' +
        '[shell_environment_policy]\ninherit = "core"\nignore_default_excludes = true\nexclude = ["AWS_*"]\n' +
        'include_only = ["PATH"]\nset = { CI = "1", N = 2 }\n[history]\npersistence = "none"\n',
    );
    assert.equal(c.approvalPolicy, "never");
    assert.equal(c.sandboxMode, "workspace-write");
    assert.deepEqual(c.notify, ["say", "done"]);
    assert.equal(c.projectDocMaxBytes, 0);
    assert.deepEqual(c.projectDocFallbackFilenames, ["CLAUDE.md"]);
    assert.deepEqual(c.writableRoots, [join(c.codexHome, "rel"), join(c.codexHome, "x"), "/abs"]);
    assert.equal(c.networkAccess, true);
    assert.deepEqual(c.shellEnvironmentPolicy, {
      inherit: "core",
      ignoreDefaultExcludes: true,
      exclude: ["AWS_*"],
      includeOnly: ["PATH"],
      set: { CI: "1", N: "2" },
    });
    assert.equal(c.historyPersistence, "none");
  });

  test("--full-auto, --yolo and explicit -s/-a", () => {
    const toml = 'approval_policy = "untrusted"\nsandbox_mode = "read-only"\n';
    const fa = load(toml, { fullAuto: true });
    assert.deepEqual([fa.sandboxMode, fa.approvalPolicy], ["workspace-write", "on-request"]);
    const yolo = load(toml, { yolo: true, fullAuto: true });
    assert.deepEqual([yolo.sandboxMode, yolo.approvalPolicy], ["danger-full-access", "never"]);
    const explicit = load(toml, { yolo: true, sandboxMode: "read-only", approvalPolicy: "on-failure" });
    assert.deepEqual([explicit.sandboxMode, explicit.approvalPolicy], ["read-only", "on-failure"]);
  });

  test("--telemetry / --no-telemetry set raw.telemetry.enabled over config and -c", () => {
    const toml = '[telemetry]\nenabled = true\ndir = "logs"\n';
    const off = load(toml, { telemetry: false, configOverrides: ["telemetry.enabled=true"] });
    assert.deepEqual(off.raw["telemetry"], { enabled: false, dir: "logs" });
    assert.deepEqual(load("", { telemetry: true }).raw["telemetry"], { enabled: true });
    assert.deepEqual(load("", { configOverrides: ["telemetry.enabled=false"] }).raw["telemetry"], {
      enabled: false,
    });
  });
});

describe("projects.<path>.trust_level", () => {
  /** A home plus a git repository with a subdirectory, for trust lookups. */
  function repo(toml: (root: string) => string) {
    const { dir, env } = home();
    const root = join(dir, "repo");
    mkdirSync(join(root, ".git"), { recursive: true });
    mkdirSync(join(root, "sub"));
    writeFileSync(join(dir, "config.toml"), toml(root));
    return {
      root,
      load: (cwd: string, cli: Partial<CliOverrides> = {}) =>
        loadConfig({ cli: { configOverrides: [], ...cli }, env, cwd }),
    };
  }

  test("no decision: defaults, nothing explicit, the git root is the project path", () => {
    const r = repo(() => "");
    const c = r.load(join(r.root, "sub"));
    assert.equal(c.trustLevel, undefined);
    assert.equal(c.projectPath, r.root);
    assert.deepEqual([c.approvalPolicy, c.sandboxMode], ["on-request", "workspace-write"]);
    assert.deepEqual([c.approvalPolicyExplicit, c.sandboxModeExplicit], [false, false]);
    const outside = load("");
    assert.equal(outside.projectPath, outside.codexHome, "outside git the working directory itself");
  });

  test("untrusted makes approval untrusted, trusted keeps on-request; the cwd's entry wins over the root's", () => {
    const r = repo(
      (root) =>
        `[projects.${JSON.stringify(root)}]\ntrust_level = "untrusted"\n` +
        `[projects.${JSON.stringify(join(root, "sub"))}]\ntrust_level = "trusted"\n`,
    );
    const atRoot = r.load(r.root);
    assert.equal(atRoot.trustLevel, "untrusted");
    assert.deepEqual([atRoot.approvalPolicy, atRoot.sandboxMode], ["untrusted", "workspace-write"]);
    assert.equal(atRoot.approvalPolicyExplicit, false);
    const inSub = r.load(join(r.root, "sub"));
    assert.equal(inSub.trustLevel, "trusted");
    assert.equal(inSub.approvalPolicy, "on-request");
  });

  test("approval_policy and flags beat the trust decision and count as explicit", () => {
    const r = repo((root) => `[projects.${JSON.stringify(root)}]\ntrust_level = "untrusted"\n`);
    const flag = r.load(r.root, { approvalPolicy: "never" });
    assert.deepEqual([flag.approvalPolicy, flag.approvalPolicyExplicit], ["never", true]);
    const key = r.load(r.root, { configOverrides: ["approval_policy=on-request"] });
    assert.deepEqual([key.approvalPolicy, key.approvalPolicyExplicit], ["on-request", true]);
    const sandbox = r.load(r.root, { sandboxMode: "read-only" });
    assert.deepEqual(
      [sandbox.approvalPolicy, sandbox.approvalPolicyExplicit, sandbox.sandboxModeExplicit],
      ["untrusted", false, true],
    );
    assert.equal(r.load(r.root, { fullAuto: true }).approvalPolicyExplicit, true);
    assert.equal(r.load(r.root, { yolo: true }).sandboxModeExplicit, true);
  });

  test("an unknown trust_level names the key", () => {
    const r = repo((root) => `[projects.${JSON.stringify(root)}]\ntrust_level = "maybe"\n`);
    assert.throws(
      () => r.load(r.root),
      (e: Error) =>
        e instanceof ConfigError &&
        e.message.includes(`projects.${JSON.stringify(r.root)}.trust_level`) &&
        e.message.includes("allowed: trusted, untrusted"),
    );
  });
});

describe("model profiles", () => {
  test("[model_profiles.*] tables are read in order, with typed fields and clear errors", () => {
    const c = load(
      '[model_profiles.corp]\nmodels = ["corp/*"]\nstream_mode = "buffered"\nauto_continue_max = 0\nreasoning_content_replay = "always"\nraw_content_replay = false\n[model_profiles.other]\nmodels = ["x"]\n',
    );
    assert.deepEqual(c.modelProfiles, [
      {
        name: "corp",
        models: ["corp/*"],
        streamMode: "buffered",
        autoContinueMax: 0,
        reasoningContentReplay: "always",
        rawContentReplay: false,
      },
      { name: "other", models: ["x"] },
    ]);
    assert.equal(c.autoContinueMax, undefined);
    assert.throws(
      () => load('[model_profiles.bad]\nstream_mode = "fast"\n'),
      /model_profiles\.bad\.stream_mode/,
    );
  });
});
