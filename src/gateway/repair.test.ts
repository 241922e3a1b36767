import assert from "node:assert/strict";
import { test } from "node:test";
import { repairArguments } from "./repair.ts";

test("valid JSON and empty text pass through", () => {
  assert.equal(repairArguments('{"a":1}'), '{"a":1}');
  assert.equal(repairArguments("  "), "{}");
});

test("unambiguous damage is repaired", () => {
  assert.equal(repairArguments('{}{"path":"a.txt"}'), '{"path":"a.txt"}');
  assert.equal(repairArguments('{"command":["ls","-la"'), '{"command":["ls","-la"]}');
  assert.equal(repairArguments('{"command":["echo","unterminated'), '{"command":["echo","unterminated"]}');
  assert.equal(repairArguments('{"a":1,}'), '{"a":1}');
  assert.equal(repairArguments('{"a":{"b":[1,2,'), '{"a":{"b":[1,2]}}');
});

test("ambiguous damage is left for the model to fix", () => {
  assert.equal(repairArguments('{"a":1}{"b":2}'), undefined);
  assert.equal(repairArguments("ls -la"), undefined);
  assert.equal(repairArguments('{"a":]'), undefined);
});
