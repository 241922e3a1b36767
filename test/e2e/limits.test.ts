// Size and time limits on what the gateway sends, through the built CLI with small configured caps: an endless
// SSE line, an endless buffered body, a stream that never ends, and oversized tool-call arguments. Each fails
// fast with a message naming the key to raise (the tool call: an error result the model can act on).
import assert from "node:assert/strict";
import { test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import type { ScriptedResponse } from "../simulator/scenario.ts";

const P = "model_providers.litellm";
const FAST = ["-c", `${P}.stream_idle_timeout_ms=2000`, "-c", `${P}.stream_max_retries=2`];

async function fails(responses: ScriptedResponse[], config: string[]) {
  const t = await e2e({ responses: [...responses, { text: "never reached" }] });
  try {
    const started = Date.now();
    const r = await t.run(["exec", ...FAST, ...config, "-m", "m", "go"], { timeoutMs: 15_000 });
    return { r, elapsed: Date.now() - started, requests: t.chatBodies().length };
  } finally {
    await t.close();
  }
}

test("an SSE event without end fails at stream_max_event_bytes, without retries", async () => {
  const { r, elapsed, requests } = await fails(
    [{ text: "partial", chunk_size: 2, fault: { endless_line_after_chunks: 2 } }],
    ["-c", `${P}.stream_max_event_bytes=65536`],
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /ERROR: .*one event of the gateway's stream exceeded 64 KiB.*stream_max_event_bytes/,
  );
  assert.equal(requests, 1, "a limit is not a transient fault: no retry");
  assert.equal(r.stdout, "");
  assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
});

test("a buffered (stream: false) body without end fails at response_max_bytes", async () => {
  const { r, requests } = await fails(
    [{ text: "x", fault: { endless_body: true } }],
    ["-c", `${P}.stream_mode="buffered"`, "-c", `${P}.response_max_bytes=200000`],
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ERROR: .*response exceeded 195\.3 KiB.*response_max_bytes/);
  assert.equal(requests, 1);
});

test("a streamed response larger than response_max_bytes fails", async () => {
  const { r } = await fails(
    [{ text: "x", fault: { endless_line_after_chunks: 1 } }],
    ["-c", `${P}.response_max_bytes=100000`],
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /response_max_bytes/);
});

test("a response kept alive by pings forever fails at request_max_duration_ms", async () => {
  const { r, elapsed, requests } = await fails(
    [{ text: "abcdef", chunk_size: 2, usage: false, fault: { ping_every_ms: 50, hang_after_chunks: 1 } }],
    ["-c", `${P}.request_max_duration_ms=600`],
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ERROR: .*took longer than 600 ms.*request_max_duration_ms/);
  assert.equal(requests, 1);
  assert.ok(elapsed < 8000, `took ${elapsed} ms`);
});

for (const mode of ["stream", "buffered"]) {
  test(`oversized tool-call arguments are refused, told to the model and never replayed (${mode})`, async () => {
    const big = "A".repeat(50_000);
    const t = await e2e({
      responses: [
        {
          chunk_size: 1000,
          tool_calls: [
            { id: "call_big", name: "shell", arguments: { command: ["bash", "-lc", `echo ${big} > f`] } },
            { id: "call_small", name: "shell", arguments: { command: ["echo", "small"] } },
          ],
        },
        { text: "split it up" },
      ],
    });
    try {
      const r = await t.run([
        "exec",
        "--json",
        "-c",
        `${P}.tool_arguments_max_bytes=4096`,
        "-c",
        `${P}.stream_mode="${mode}"`,
        "-m",
        "m",
        "go",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 2);
      const second = JSON.stringify(bodies[1]);
      assert.ok(!second.includes("AAAAAAAAAA"), "the big arguments are not replayed");
      assert.ok(second.length < 20_000, `second request is ${second.length} bytes`);
      const assistant = bodies[1].messages.find((m: any) => m.tool_calls);
      const bigCall = assistant.tool_calls.find((c: any) => c.id === "call_big");
      assert.doesNotThrow(() => JSON.parse(bigCall.function.arguments), "the placeholder is valid JSON");
      const result = bodies[1].messages.find((m: any) => m.role === "tool" && m.tool_call_id === "call_big");
      assert.match(result.content, /arguments .*exceeded 4096 bytes/);
      assert.match(result.content, /smaller|parts/);
      const small = bodies[1].messages.find((m: any) => m.role === "tool" && m.tool_call_id === "call_small");
      assert.match(small.content, /small/, "other calls of the response still run");
      const errors = jsonLines(r.stdout).filter((e) => e.item?.type === "error");
      assert.ok(
        errors.some((e) => /tool_arguments_max_bytes/.test(e.item.message)),
        JSON.stringify(errors),
      );
    } finally {
      await t.close();
    }
  });
}
