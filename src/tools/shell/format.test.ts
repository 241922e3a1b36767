import assert from "node:assert/strict";
import { test } from "node:test";
import { countLines, formatShellOutput, MODEL_OUTPUT_LIMIT_CHARS, truncateMiddle } from "./format.ts";

test("short output: exact shape, one-decimal wall time", () => {
  assert.equal(
    formatShellOutput({ exitCode: 0, output: "hi\n", durationMs: 123, truncatedBytes: 0 }),
    "Exit code: 0\nWall time: 0.1 seconds\nOutput:\nhi\n",
  );
  assert.equal(
    formatShellOutput({ exitCode: 2, output: "", durationMs: 2050, truncatedBytes: 0 }),
    "Exit code: 2\nWall time: 2.1 seconds\nOutput:\n",
  );
});

test("long output is cut in the middle with marker and line count", () => {
  const output = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n");
  const text = formatShellOutput({ exitCode: 1, output, durationMs: 0, truncatedBytes: 0 });
  const [header, body] = text.split("\nOutput:\n");
  assert.equal(header, "Exit code: 1\nWall time: 0.0 seconds\nTotal output lines: 5000");
  assert.ok(body.startsWith("line 0\nline 1\n"));
  assert.ok(body.endsWith("line 4999"));
  const m = body.match(/…(\d+) chars truncated…/);
  assert.ok(m);
  assert.equal(Number(m[1]) + body.length - m[0].length, output.length);
  assert.ok(body.length <= MODEL_OUTPUT_LIMIT_CHARS + m[0].length);
});

test("capture truncation alone adds the line count and keeps the text", () => {
  const text = formatShellOutput({
    exitCode: 0,
    output: "a\n…5 bytes truncated…\nb\n",
    durationMs: 0,
    truncatedBytes: 5,
    totalLines: 9,
  });
  assert.equal(
    text,
    "Exit code: 0\nWall time: 0.0 seconds\nTotal output lines: 9\nOutput:\na\n…5 bytes truncated…\nb\n",
  );
});

test("capture drops are added to the marker count", () => {
  const text = formatShellOutput(
    { exitCode: 0, output: "x".repeat(100), durationMs: 0, truncatedBytes: 1000 },
    40,
  );
  assert.match(text, /…1060 chars truncated…/);
});

test("cut never splits a surrogate pair", () => {
  const s = "😀".repeat(100); // 200 code units
  for (const limit of [9, 10, 11, 51]) {
    const { head, tail, removed } = truncateMiddle(s, limit);
    assert.ok(!/[\ud800-\udbff]$/.test(head) && !/^[\udc00-\udfff]/.test(tail), `limit ${limit}`);
    assert.equal([...head].length + [...tail].length + removed, 100);
  }
  assert.deepEqual(truncateMiddle("short", 10), { head: "short", tail: "", removed: 0 });
});

test("countLines", () => {
  assert.equal(countLines(""), 0);
  assert.equal(countLines("a"), 1);
  assert.equal(countLines("a\n"), 1);
  assert.equal(countLines("a\nb"), 2);
});
