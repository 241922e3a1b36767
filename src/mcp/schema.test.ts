import assert from "node:assert/strict";
import { test } from "node:test";
import { toolParameters } from "./schema.ts";

test("a plain object schema passes, extra keywords dropped", () => {
  assert.deepEqual(
    toolParameters({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { path: { type: "string", format: "uri", description: "p" } },
      required: ["path", "ghost"],
      additionalProperties: false,
    }),
    {
      type: "object",
      properties: { path: { type: "string", description: "p" } },
      required: ["path"],
      additionalProperties: false,
    },
  );
});

test("missing or non-object root becomes an empty object schema", () => {
  assert.deepEqual(toolParameters(undefined), { type: "object", properties: {} });
  assert.deepEqual(toolParameters({}), { type: "object", properties: {} });
  assert.deepEqual(toolParameters({ type: "string" }), { type: "object", properties: {} });
});

test("$refs are inlined, cycles cut, types inferred, type lists reduced, oneOf/const rewritten", () => {
  const out = toolParameters({
    type: "object",
    $defs: {
      Node: {
        type: "object",
        properties: { child: { $ref: "#/$defs/Node" }, name: { type: ["string", "null"] } },
      },
      Kind: { enum: ["a", "b"] },
    },
    properties: {
      node: { $ref: "#/$defs/Node" },
      kind: { $ref: "#/$defs/Kind" },
      either: { oneOf: [{ type: "string" }, { const: 3 }] },
      list: { type: "array" },
      elsewhere: { $ref: "https://example.com/x.json" },
    },
  });
  const p = out.properties as any;
  assert.equal(p.node.type, "object");
  assert.deepEqual(p.node.properties.name, { type: "string", nullable: true });
  assert.deepEqual(p.node.properties.child, { type: "object" }, "the cycle stops");
  assert.deepEqual(p.kind, { enum: ["a", "b"], type: "string" });
  assert.deepEqual(p.either, { anyOf: [{ type: "string" }, { enum: [3], type: "number" }] });
  assert.deepEqual(p.list, { type: "array", items: { type: "string" } });
  assert.deepEqual(p.elsewhere, { type: "object" });
  assert.equal(JSON.stringify(out).includes("$"), false, "no $ref/$defs left");
});
