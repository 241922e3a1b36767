import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleFromJson, ChunkAssembler } from "./assemble.ts";
import { formatBytes, LimitError, SseSizeGuard } from "./limits.ts";

const b = (s: string) => Buffer.from(s);

test("an event may grow to the limit across reads; a blank line starts the count again", () => {
  const guard = new SseSizeGuard(12, 1000);
  guard.add(b("data: 1234"));
  guard.add(b("\n\ndata: 12"));
  guard.add(b("34\n"));
  guard.add(b("\ndata: 1234")); // the blank line split across reads
  guard.add(b("\r\n\r\ndata: 1234")); // CRLF framing
  guard.add(b("5"));
  assert.throws(
    () => guard.add(b("67")),
    (e: LimitError) => e.key === "stream_max_event_bytes",
  );
});

test("the whole response is capped, however it is framed", () => {
  const guard = new SseSizeGuard(100, 50);
  for (let i = 0; i < 5; i++) guard.add(b("data: 12\n\n"));
  assert.throws(
    () => guard.add(b("x")),
    (e: LimitError) => e.key === "response_max_bytes",
  );
});

test("limits read in the user's units", () => {
  assert.equal(formatBytes(16 * 1024 * 1024), "16 MiB");
  assert.equal(formatBytes(65536), "64 KiB");
  assert.equal(formatBytes(900), "900 bytes");
  assert.equal(
    new LimitError("request_max_duration_ms", 600).message,
    "the gateway's response took longer than 600 ms",
  );
});

test("tool-call arguments stop accumulating at the limit and become {} with their size", () => {
  const asm = new ChunkAssembler(() => {}, 10);
  const call = (args: string, name?: string) => ({
    choices: [
      { index: 0, delta: { tool_calls: [{ index: 0, id: "c1", function: { name, arguments: args } }] } },
    ],
  });
  asm.push(call('{"command"', "shell"));
  asm.push(call('{"command"'));
  asm.push(call(': "ééééé"}'));
  asm.push({
    choices: [
      {
        index: 0,
        delta: { tool_calls: [{ index: 1, id: "c2", function: { name: "shell", arguments: "{}" } }] },
        finish_reason: "tool_calls",
      },
    ],
  });
  const [big, small] = asm.finish().toolCalls;
  assert.equal(big.arguments, "{}");
  assert.deepEqual(big.tooLarge, { bytes: 35, limit: 10 }, "bytes, not characters");
  assert.equal(small.arguments, "{}");
  assert.equal(small.tooLarge, undefined);
});

test("buffered answers and calls written as text are held to the same limit", () => {
  const body = {
    choices: [
      {
        index: 0,
        message: {
          tool_calls: [{ id: "c", function: { name: "shell", arguments: `{"a":"${"x".repeat(50)}"}` } }],
        },
      },
    ],
  };
  const { response } = assembleFromJson(body, () => {}, 20);
  assert.deepEqual(response?.toolCalls[0].tooLarge, { bytes: 58, limit: 20 });
  const fromReasoning = new ChunkAssembler(() => {}, 20);
  fromReasoning.push({
    choices: [
      {
        index: 0,
        delta: { reasoning_content: `{"command": ["echo", "${"y".repeat(40)}"]}` },
        finish_reason: "stop",
      },
    ],
  });
  assert.equal(fromReasoning.finish().toolCalls[0].tooLarge?.limit, 20);
});

test("a tool name longer than any real one is cut (it is shown and replayed)", () => {
  const asm = new ChunkAssembler(() => {});
  asm.push({
    choices: [
      { index: 0, delta: { tool_calls: [{ index: 0, id: "c", function: { name: "n".repeat(100_000) } }] } },
    ],
  });
  assert.equal(asm.finish().toolCalls[0].name.length, 256);
});
