import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { createRedactor, keyForms, MIN_ENV_SECRET, REDACTED, redactUrl, truncate } from "./redact.ts";

const KEY = "litellm-master-key-123456";
const r = createRedactor({
  apiKey: KEY,
  env: {
    LITELLM_API_KEY: KEY,
    GITHUB_TOKEN: "ghp_abcdefghijklmnop",
    MY_SECRET: "hunter2hunter2",
    SHORT_TOKEN: "1234",
    PATH: "/usr/local/bin:/usr/bin",
    HOME: "/home/u",
  },
});

describe("redaction", () => {
  test("the API key and KEY/SECRET/TOKEN env values, wherever they appear", () => {
    assert.equal(
      r.text(`key=${KEY} gh ghp_abcdefghijklmnop and hunter2hunter2`),
      `key=${REDACTED} gh ${REDACTED} and ${REDACTED}`,
    );
    assert.equal(r.text(`"${KEY}${KEY}"`), `"${REDACTED}${REDACTED}"`);
  });

  test("short env values and names without KEY/SECRET/TOKEN are left alone", () => {
    assert.ok(MIN_ENV_SECRET > 4);
    assert.equal(
      r.text("pin 1234 in /usr/local/bin:/usr/bin at /home/u"),
      "pin 1234 in /usr/local/bin:/usr/bin at /home/u",
    );
  });

  test("sk- tokens, but not words that merely contain sk-", () => {
    const plain = createRedactor();
    assert.equal(plain.text("use sk-proj-AbC123xyz789 now"), `use ${REDACTED} now`);
    assert.equal(plain.text('{"key":"sk-ant-api03-xyzxyzxyz"}'), `{"key":"${REDACTED}"}`);
    assert.equal(
      plain.text("the task-runner and risk-assessment-doc"),
      "the task-runner and risk-assessment-doc",
    );
    assert.equal(plain.text("sk-learn"), "sk-learn");
  });

  test("header values in text keep their name and scheme", () => {
    const plain = createRedactor();
    assert.equal(plain.text("Authorization: Bearer abc.def-ghi"), `Authorization: Bearer ${REDACTED}`);
    assert.equal(
      plain.text('{"authorization":"Basic dXNlcjpwYXNz"}'),
      `{"authorization":"Basic ${REDACTED}"}`,
    );
    assert.equal(plain.text("x-api-key: 0123456789abcdef"), `x-api-key: ${REDACTED}`);
    assert.equal(plain.text('"api-key": "zzz"'), `"api-key": "${REDACTED}"`);
    assert.equal(plain.text('body: {\\"api_key\\": \\"qqqq\\"}'), `body: {\\"api_key\\": \\"${REDACTED}\\"}`);
    assert.equal(plain.text("sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"), `sent Bearer ${REDACTED}`);
  });

  test("key-like query parameters in URLs", () => {
    const plain = createRedactor();
    assert.equal(
      plain.text("https://gw/v1/chat/completions?key=abc123&api-version=2024&access_token=t0k"),
      `https://gw/v1/chat/completions?key=${REDACTED}&api-version=2024&access_token=${REDACTED}`,
    );
  });

  test("value(): secret-named fields whole, every other string through text(), long strings cut", () => {
    const out = r.value({
      headers: {
        Authorization: "Bearer whatever",
        "x-api-key": "abc",
        "api-key": "abc",
        "set-cookie": ["a=1", "b=2"],
        "x-litellm-response-cost": "0.0012",
        "content-type": "text/event-stream",
      },
      client_secret: "s",
      nested: [{ message: `failed with ${KEY}` }],
      count: 3,
      gone: undefined,
    });
    assert.deepEqual(out, {
      headers: {
        Authorization: REDACTED,
        "x-api-key": REDACTED,
        "api-key": REDACTED,
        "set-cookie": REDACTED,
        "x-litellm-response-cost": "0.0012",
        "content-type": "text/event-stream",
      },
      client_secret: REDACTED,
      nested: [{ message: `failed with ${REDACTED}` }],
      count: 3,
    });
    assert.deepEqual(r.value({ text: "x".repeat(20) }, 5), { text: "xxxxx…(20 chars)" });
    assert.equal(truncate("abc", 3), "abc");
  });

  test("a secret is redacted before the cut, so a cut can never leave part of it", () => {
    const out = r.value({ text: `0123${KEY}` }, 10) as { text: string };
    assert.equal(out.text, `0123${REDACTED}`.slice(0, 10) + `…(${4 + REDACTED.length} chars)`);
    assert.ok(!out.text.includes(KEY.slice(0, 6)));
  });
});

describe("the key as gateways echo it, and provider secrets", () => {
  const key = "abc123secretvalue";
  const hash = createHash("sha256").update(key).digest("hex");
  const session = createRedactor({ apiKey: key, secrets: ["hdr-value-1234"], patterns: false });

  test("a key without sk-: whole, masked (LiteLLM's sk-...wxyz and first-3/last-4) and hashed", () => {
    assert.deepEqual(keyForms(key), [hash, "sk-...alue", "abc...alue"]);
    assert.equal(
      session.text(`a ${key} b sk-...alue c abc...alue d ${hash} e hdr-value-1234`),
      `a ${REDACTED} b ${REDACTED} c ${REDACTED} d ${REDACTED} e ${REDACTED}`,
    );
    assert.deepEqual(keyForms("short-key-123"), [createHash("sha256").update("short-key-123").digest("hex")]);
  });

  test("LiteLLM's `Received API Key =` and `Key Hash (Token) =` whatever key they name", () => {
    assert.equal(
      session.text("Received API Key = sk-...zzzz, Key Hash (Token) =deadbeef. Unable"),
      `Received API Key = ${REDACTED}, Key Hash (Token) =${REDACTED} Unable`,
    );
  });

  test("without patterns, the model's ordinary code is left alone", () => {
    const code = 'headers = {"Authorization": f"Bearer {token}"}; url = "?api_key=xyz"; sk-proj-abcdefghijk';
    assert.equal(session.text(code), code);
    assert.notEqual(createRedactor({}).text(code), code, "telemetry keeps its patterns");
  });

  test("deep() redacts every string and shares what did not change", () => {
    const meta = { model: "m" };
    const out = session.deep({ message: `key ${key}`, meta });
    assert.deepEqual(out, { message: `key ${REDACTED}`, meta });
    assert.equal(out.meta, meta);
  });

  test("redactUrl hides credentials and secret query values", () => {
    assert.equal(
      redactUrl("https://user:pw@gw.example/v1?api-version=2024&api_key=s3cr3t&sig=x"),
      `https://${REDACTED}@gw.example/v1?api-version=2024&api_key=${REDACTED}&sig=${REDACTED}`,
    );
    assert.equal(redactUrl("http://127.0.0.1:4000/v1"), "http://127.0.0.1:4000/v1");
  });
});
