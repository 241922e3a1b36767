import assert from "node:assert/strict";
import { test } from "node:test";
import { resultText } from "./result.ts";

test("text parts are joined; images and links described; errors flagged", () => {
  assert.equal(
    resultText({
      content: [
        { type: "text", text: "hello" },
        { type: "image", mimeType: "image/png", data: "AAAA" },
        { type: "resource_link", uri: "file:///x", name: "x" },
      ],
    }),
    "hello\n[image: image/png, 3 bytes; not shown to the model]\n[resource link: file:///x (x)]",
  );
  assert.equal(
    resultText({ content: [{ type: "text", text: "no" }], isError: true }),
    "The tool reported an error:\nno",
  );
  assert.equal(resultText({ content: [] }), "(no output)");
});

test("structured content is sent as JSON when no text came with it", () => {
  assert.equal(resultText({ content: [], structuredContent: { a: 1 } }), '{"a":1}');
  assert.equal(resultText({ content: [{ type: "text", text: "t" }], structuredContent: { a: 1 } }), "t");
});

test("long text is cut in the middle like command output", () => {
  const text = `${"a\n".repeat(3000)}END`;
  const out = resultText({ content: [{ type: "text", text }] }, 1000);
  assert.match(out, /^Total output lines: 3001\n\na\n/);
  assert.match(out, /…\d+ chars truncated…/);
  assert.ok(out.endsWith("END"));
  assert.ok(out.length < 1200);
});
