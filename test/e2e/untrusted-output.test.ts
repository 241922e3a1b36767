// What the model and the gateway send is untrusted: through the built CLI, no escape sequence, control
// character or bidi override they put in answers, reasoning, commands, command output, tool names, plans,
// model names or error messages reaches the terminal; --json stays JSON-escaped; -o holds clean text.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import type { Scenario } from "../simulator/scenario.ts";

const OSC52 = "\x1b]52;c;ZXZpbA==\x07";
const TITLE = "\x1b]0;pwned\x07";
const CLEAR = "\x1b[2J\x1b[H";
const C1_CSI = "\x9b31m";
const BIDI = "\u202e";
const NASTY = `${OSC52}${TITLE}${CLEAR}${C1_CSI}${BIDI}\b\r`;

/** Terminal controls: C0 but \n and \t, DEL, C1, and the bidi overrides and isolates. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function scenario(): Scenario {
  return {
    responses: [
      // A gateway error message that is retried: its reason is printed as `reconnecting 1/2 (…)`.
      { status: 503, body: { error: { message: `upstream down ${TITLE}${CLEAR}`, code: "503" } } },
      {
        reasoning: `thinking ${NASTY} hard`,
        model: `sim-model${TITLE}`,
        tool_calls: [
          {
            id: "call_1",
            name: "shell",
            arguments: {
              command: ["bash", "-lc", `printf 'out\\033]52;c;b3V0\\007put\\n'; echo '${CLEAR}x'`],
            },
          },
          { id: "call_2", name: `launch${TITLE}`, arguments: {} },
          {
            id: "call_3",
            name: "update_plan",
            arguments: {
              explanation: `why ${OSC52}`,
              plan: [{ step: `step ${CLEAR}one`, status: "pending" }],
            },
          },
        ],
      },
      { text: `the answer ${NASTY} ends\n\tindented` },
    ],
  };
}

const ARGS = ["-c", "model_providers.litellm.request_max_retries=2", "--yolo", "-m", "sim-model", "go"];

test("human exec prints no control sequences from the model or the gateway, on stderr or stdout", async () => {
  const t = await e2e(scenario());
  try {
    const r = await t.run(["exec", ...ARGS.slice(0, -1), "-o", "last.txt", "go"]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, UNSAFE, JSON.stringify(r.stderr));
    assert.doesNotMatch(r.stdout, UNSAFE, JSON.stringify(r.stdout));
    // What is printable stays: the text around the sequences, newlines and tabs.
    assert.match(r.stdout, /^the answer [\s\S]*ends\n\tindented\n$/);
    assert.match(r.stderr, /reconnecting 1\/2 \(.*upstream down/);
    assert.match(r.stderr, /thinking [\s\S]* hard/);
    assert.match(r.stderr, /output/, "the command's output is shown without its escape sequence");
    assert.match(r.stderr, /unknown tool `launch/);
    assert.match(r.stderr, /step one/);
    const last = readFileSync(join(t.ws.dir, "last.txt"), "utf8");
    assert.doesNotMatch(last, UNSAFE, JSON.stringify(last));
    assert.match(last, /^the answer [\s\S]*ends\n\tindented$/);
  } finally {
    await t.close();
  }
});

test("--json keeps every control character JSON-escaped", async () => {
  const t = await e2e(scenario());
  try {
    const r = await t.run(["exec", "--json", ...ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, UNSAFE, JSON.stringify(r.stdout));
    const events = jsonLines(r.stdout);
    const answer = events.filter((e) => e.item?.type === "agent_message").at(-1);
    // The values are intact: escaping is lossless.
    assert.equal(answer.item.text, `the answer ${NASTY} ends\n\tindented`);
  } finally {
    await t.close();
  }
});

test("models: the gateway's model ids are printed without controls; base URL credentials are not shown", async () => {
  const t = await e2e({
    models: [{ id: `evil${TITLE}${CLEAR}-model` }, { id: "plain-model" }],
    responses: [],
  });
  try {
    const r = await t.run(["models"]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, UNSAFE, JSON.stringify(r.stdout));
    assert.match(r.stdout, /evil.*-model/);
    const json = await t.run(["models", "--json"]);
    assert.doesNotMatch(json.stdout, UNSAFE);
    assert.equal(JSON.parse(json.stdout)[0].id, `evil${TITLE}${CLEAR}-model`);
    const down = await t.run(["models", "--refresh"], {
      env: { LITELLM_BASE_URL: "http://me:pw-in-url-123@127.0.0.1:9" },
    });
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      /could not list models: cannot reach http:\/\/\[REDACTED\]@127\.0\.0\.1:9\/v1\/models/,
    );
    assert.ok(!down.stderr.includes("pw-in-url-123"), down.stderr);
  } finally {
    await t.close();
  }
});
