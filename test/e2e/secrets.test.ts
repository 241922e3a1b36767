// A gateway error that echoes the key (LiteLLM's 401: `Received API Key = …, Key Hash (Token) =…`) and other
// secrets we know (header values, credentials in the base URL, secret query parameters) never reach stderr,
// stdout, --json, the rollout, the telemetry logs or `trace` output.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { type E2E, e2e, jsonLines } from "../helpers/e2e.ts";

/** A key without the `sk-` prefix: only knowing the configured key can redact it. */
const KEY = "abc123secretvalue";
const MASKED = `${KEY.slice(0, 3)}...${KEY.slice(-4)}`;
const HASH = createHash("sha256").update(KEY).digest("hex");
const HEADER_VALUE = "hdr-secret-value-42";
const ENV_HEADER_VALUE = "envhdr-value-9876";
const PASSWORD = "pw-hunter2-secret";
const QUERY_VALUE = "qp-secret-555";
const SECRETS = [KEY, MASKED, HASH, HEADER_VALUE, ENV_HEADER_VALUE, PASSWORD, QUERY_VALUE];

function files(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out = statSync(path).isDirectory() ? [...out, ...files(path)] : [...out, path];
  }
  return out;
}

function assertClean(where: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds ${secret}:\n${text}`);
}

const CONFIG = [
  "-c",
  `model_providers.litellm.http_headers.x-team-auth="${HEADER_VALUE}"`,
  "-c",
  'model_providers.litellm.env_http_headers.x-team-id="TEAM_HEADER"',
  "-c",
  `model_providers.litellm.query_params.api_key="${QUERY_VALUE}"`,
];

async function runBoth(t: E2E, extraEnv: Record<string, string> = {}) {
  const env = {
    LITELLM_BASE_URL: t.sim.origin.replace("http://", `http://user:${PASSWORD}@`),
    TEAM_HEADER: ENV_HEADER_VALUE,
    ...extraEnv,
  };
  const human = await t.run(["exec", ...CONFIG, "-m", "sim-model", "go"], { env });
  const json = await t.run(["exec", "--json", ...CONFIG, "-m", "sim-model", "go"], { env });
  return { human, json };
}

/** Everything the runs left behind or print: output, rollouts, telemetry, history, and `trace`. */
async function assertNoSecrets(t: E2E, runs: Awaited<ReturnType<typeof runBoth>>) {
  for (const [name, r] of Object.entries(runs)) {
    assert.equal(r.code, 1, r.stderr);
    assertClean(`${name} stderr`, r.stderr);
    assertClean(`${name} stdout`, r.stdout);
  }
  assert.match(runs.human.stderr, /ERROR: gateway answered 401/);
  assert.match(runs.human.stderr, /provider: litellm \(http:\/\/\[REDACTED\]@127\.0\.0\.1/);
  const stored = files(t.ws.home);
  assert.ok(
    stored.some((f) => f.includes("/sessions/")),
    stored.join("\n"),
  );
  assert.ok(
    stored.some((f) => f.includes("/logs/")),
    stored.join("\n"),
  );
  for (const file of stored) assertClean(file, readFileSync(file, "utf8"));
  const threadId = jsonLines(runs.json.stdout)[0].thread_id;
  for (const args of [["events"], ["events", "--json"], ["summary"], ["summary", "--json"]]) {
    const r = await runCli(["trace", args[0], "--session", threadId, ...args.slice(1), "--home", t.ws.home], {
      cwd: t.ws.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assertClean(`trace ${args.join(" ")}`, r.stdout + r.stderr);
  }
}

test("LiteLLM's own 401 for a key it does not know (masked key and hash) is redacted everywhere", async () => {
  // The simulator accepts another key, so it answers with LiteLLM's message: first 3 and last 4 characters
  // of the key we sent, and its SHA-256.
  const t = await e2e({ responses: [] }, { apiKey: "sk-the-key-the-gateway-wants" });
  try {
    const runs = await runBoth(t, { LITELLM_API_KEY: KEY });
    assert.match(runs.human.stderr, /Received API Key = /);
    await assertNoSecrets(t, runs);
  } finally {
    await t.close();
  }
});

test("a 401 body echoing the whole key, header values and URL credentials is redacted everywhere", async () => {
  const message =
    `Authentication Error, Invalid proxy server token passed. Received API Key = ${KEY}, ` +
    `Key Hash (Token) =${HASH}. Unable to find token in cache. Also seen: ${MASKED}, ` +
    `x-team-auth: ${HEADER_VALUE}, x-team-id=${ENV_HEADER_VALUE}, ` +
    `url=http://user:${PASSWORD}@gateway/v1/chat/completions?api_key=${QUERY_VALUE}`;
  const error = { status: 401, body: { error: { message, type: "auth_error", code: "401" } } };
  const t = await e2e({ responses: [error, error] }, { apiKey: KEY });
  try {
    const runs = await runBoth(t);
    assert.match(runs.human.stderr, /Unable to find token in cache/);
    await assertNoSecrets(t, runs);
  } finally {
    await t.close();
  }
});

test("the key in what the model or a command says is redacted in exec's output and the rollout", async () => {
  const t = await e2e(
    {
      responses: [
        { tool_calls: [{ id: "c1", name: "shell", arguments: { command: ["cat", "notes.txt"] } }] },
        { text: `the key is ${KEY} (hash ${HASH})` },
        { tool_calls: [{ id: "c2", name: "shell", arguments: { command: ["cat", "notes.txt"] } }] },
        { text: `the key is ${KEY} (hash ${HASH})` },
      ],
    },
    { apiKey: KEY },
  );
  try {
    t.ws.write("notes.txt", `LITELLM_API_KEY=${KEY}\n`);
    const human = await t.run(["exec", "-m", "sim-model", "-o", "last.txt", "go"]);
    const json = await t.run(["exec", "--json", "-m", "sim-model", "go"]);
    for (const [name, r] of Object.entries({ human, json })) {
      assert.equal(r.code, 0, r.stderr);
      assertClean(`${name} stderr`, r.stderr);
      assertClean(`${name} stdout`, r.stdout);
    }
    assert.equal(human.stdout, "the key is [REDACTED] (hash [REDACTED])\n");
    assert.match(human.stderr, /LITELLM_API_KEY=\[REDACTED\]/);
    assertClean("-o file", readFileSync(join(t.ws.dir, "last.txt"), "utf8"));
    for (const file of files(t.ws.home)) assertClean(file, readFileSync(file, "utf8"));
  } finally {
    await t.close();
  }
});
