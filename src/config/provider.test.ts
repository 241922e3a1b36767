import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeBaseUrl } from "./provider.ts";

test("normalizeBaseUrl: empty or `/` path becomes /v1; other paths kept; trailing slashes stripped", () => {
  assert.equal(normalizeBaseUrl("http://h:4000"), "http://h:4000/v1");
  assert.equal(normalizeBaseUrl("http://h:4000/"), "http://h:4000/v1");
  assert.equal(normalizeBaseUrl("  https://gw.example.com  "), "https://gw.example.com/v1");
  assert.equal(normalizeBaseUrl("http://h/api/v1/"), "http://h/api/v1");
  assert.equal(normalizeBaseUrl("http://h/v1//"), "http://h/v1");
  assert.equal(normalizeBaseUrl("not a url/"), "not a url");
  assert.equal(normalizeBaseUrl("   "), undefined);
  assert.equal(normalizeBaseUrl(undefined), undefined);
});
