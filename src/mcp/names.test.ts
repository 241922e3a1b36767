import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_TOOL_NAME_LENGTH, qualifiedToolName } from "./names.ts";

test("names are mcp__server__tool, sanitised", () => {
  const taken = new Set<string>();
  assert.equal(qualifiedToolName("fs", "read_file", taken), "mcp__fs__read_file");
  assert.equal(qualifiedToolName("my.server", "get thing/x", taken), "mcp__my_server__get_thing_x");
});

test("long names are cut to 64 characters with a stable hash suffix", () => {
  const long = "a".repeat(80);
  const a = qualifiedToolName("srv", long, new Set());
  assert.equal(a.length, MAX_TOOL_NAME_LENGTH);
  assert.match(a, /^mcp__srv__a+_[0-9a-f]{8}$/);
  assert.equal(qualifiedToolName("srv", long, new Set()), a, "stable between runs");
  assert.notEqual(qualifiedToolName("srv", `${long}b`, new Set()), a);
});

test("names that sanitise alike stay unique", () => {
  const taken = new Set<string>();
  const a = qualifiedToolName("s", "a.b", taken);
  const b = qualifiedToolName("s", "a/b", taken);
  assert.equal(a, "mcp__s__a_b");
  assert.notEqual(a, b);
  assert.match(b, /^[a-zA-Z0-9_-]+$/);
});
