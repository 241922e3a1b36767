import assert from "node:assert/strict";
import { test } from "node:test";
import { providerSecrets, sessionRedactor } from "./secrets.ts";
import type { ProviderConfig } from "./types.ts";

const provider = {
  id: "litellm",
  baseUrl: "https://team:p%40ss-word@gw.example/v1?token=tok-in-url",
  apiKey: "plainkey-0123456789",
  httpHeaders: {
    authorization: "Bearer hdr-bearer-value",
    "x-team-secret": "team-secret-value",
    "user-agent": "codex-litellm",
  },
  queryParams: { "api-version": "2024-10-01", api_key: "qp-secret-value" },
} as unknown as ProviderConfig;

test("the secrets a provider holds: header values, URL credentials, secret query values", () => {
  assert.deepEqual(providerSecrets(provider).sort(), [
    "Bearer hdr-bearer-value",
    "hdr-bearer-value",
    "p%40ss-word",
    "p@ss-word",
    "qp-secret-value",
    "team-secret-value",
    "tok-in-url",
  ]);
});

test("the session redactor hides them and the key, and leaves protocol values alone", () => {
  const r = sessionRedactor(provider, { GITHUB_TOKEN: "ghp_0123456789abcdef" });
  const text = (s: string) => r.text(s).replaceAll("[REDACTED]", "#");
  assert.equal(
    text("plainkey-0123456789 p@ss-word team-secret-value ghp_0123456789abcdef qp-secret-value"),
    "# # # # #",
  );
  assert.equal(text("codex-litellm 2024-10-01"), "codex-litellm 2024-10-01");
});
