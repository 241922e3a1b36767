// Every real gateway fault, through the built CLI against the simulator: each one is either survived (task
// finished, answer printed once, exit 0) or fails fast with one clear message and exit 1.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import type { ScriptedResponse } from "../simulator/scenario.ts";

/** Short timeouts and few retries, so faults cost milliseconds, not minutes. */
const FAST = [
  "-c",
  "model_providers.litellm.stream_idle_timeout_ms=400",
  "-c",
  "model_providers.litellm.stream_max_retries=2",
  "-c",
  "model_providers.litellm.request_max_retries=2",
];

async function survive(faulty: ScriptedResponse[], extra: string[] = []) {
  const t = await e2e({ responses: [...faulty, { text: "the one true answer" }] });
  try {
    const started = Date.now();
    const r = await t.run(["exec", ...FAST, ...extra, "-m", "m", "go"]);
    return { r, t, elapsed: Date.now() - started, bodies: t.chatBodies() };
  } finally {
    await t.close();
  }
}

describe("end of stream", () => {
  test("a body that ends after the finish chunk without [DONE] completes without a retry", async () => {
    const { r, bodies } = await survive([{ text: "no done here", fault: { no_done: true } }]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "no done here\n");
    assert.equal(bodies.length, 1);
    assert.doesNotMatch(r.stderr, /reconnecting/);
  });

  test("a connection kept open after [DONE] does not hang", async () => {
    const { r, elapsed } = await survive([{ text: "done but open", fault: { keep_open_after_done: true } }]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "done but open\n");
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  });

  test("a finish chunk followed by silence (no usage chunk, no [DONE], socket open) completes", async () => {
    // Two content chunks and the finish chunk, then silence: the grace after the finish chunk ends the request
    // long before the idle timeout (set to a minute here, so only the grace can end it within the test).
    const { r, bodies } = await survive(
      [{ text: "abcdef", chunk_size: 3, usage: false, fault: { hang_after_chunks: 3 } }],
      ["-c", "model_providers.litellm.stream_idle_timeout_ms=60000"],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "abcdef\n");
    assert.equal(bodies.length, 1, "the finish chunk had arrived: no retry");
  });

  test("keep-alive pings while the model thinks keep the request alive past the idle timeout", async () => {
    const { r, bodies } = await survive([
      { text: "patient", fault: { ping_every_ms: 100, delay_headers_ms: 1000 } },
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "patient\n");
    assert.equal(bodies.length, 1);
  });
});

describe("faults that are retried", () => {
  const cases: [string, ScriptedResponse, RegExp][] = [
    [
      "no headers within the timeout",
      { text: "x", fault: { hang_before_headers: true } },
      /no response headers within 400 ms/,
    ],
    [
      "a stream idle mid-way",
      { text: "partial text here", chunk_size: 4, fault: { hang_after_chunks: 3 } },
      /stream idle for more than 400 ms/,
    ],
    [
      "a reset mid-stream",
      { text: "partial text here", chunk_size: 4, fault: { reset_after_chunks: 3 } },
      /stream closed before completion|connection to the gateway failed/,
    ],
    [
      "a malformed chunk",
      { text: "partial text here", chunk_size: 4, fault: { malformed_after_chunks: 2 } },
      /malformed chunk/,
    ],
    [
      "an error event inside a 200 stream",
      { text: "partial text", chunk_size: 4, fault: { error_event_after_chunks: 2 } },
      /error mid-stream/,
    ],
    ["HTTP 408", { status: 408 }, /408/],
    ["HTTP 500", { status: 500 }, /500/],
    ["HTTP 502", { status: 502 }, /502/],
    ["HTTP 503", { status: 503 }, /503/],
    ["HTTP 504", { status: 504 }, /504/],
  ];
  for (const [name, fault, reason] of cases) {
    test(`${name}: reconnecting 1/2 shown, the answer printed once`, async () => {
      const { r, bodies } = await survive([fault]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "the one true answer\n");
      assert.match(r.stderr, /reconnecting 1\/2 \(/);
      assert.match(r.stderr, reason);
      assert.equal(bodies.length, 2);
      assert.equal((r.stderr.match(/the one true answer/g) ?? []).length, 1, "no duplicated text on stderr");
    });
  }

  test("429 honours Retry-After and llm_provider-retry-after (fractional seconds, as waited)", async () => {
    // Backoff without the headers would be about 200 ms, then 400 ms (with jitter): never exactly 50 and 70.
    const t = await e2e({
      responses: [
        { status: 429, headers: { "retry-after": "0.05" } },
        { status: 429, headers: { "llm_provider-retry-after": "0.07" } },
        { text: "the one true answer" },
      ],
    });
    try {
      const r = await t.run(["exec", ...FAST, "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "the one true answer\n");
      assert.match(r.stderr, /reconnecting 2\/2/);
      const logs = join(t.ws.home, "logs");
      const debugName = readdirSync(logs).find((n) => n.endsWith(".log") && /^\d{8}-/.test(n));
      assert.ok(debugName, readdirSync(logs).join(", "));
      const retries = jsonLines(readFileSync(join(logs, debugName), "utf8")).filter(
        (l) => l.kind === "wire.retry",
      );
      assert.deepEqual(
        retries.map((l) => l.delay_ms),
        [50, 70],
      );
    } finally {
      await t.close();
    }
  });

  test("a partial tool call is discarded: the command runs once", async () => {
    const call = {
      id: "call_once",
      name: "shell",
      arguments: { command: ["bash", "-lc", "echo ran >> count.txt"] },
    };
    const t = await e2e({
      responses: [
        { text: "working on it", tool_calls: [call], chunk_size: 5, fault: { reset_after_chunks: 6 } },
        { text: "working on it", tool_calls: [call] },
        { text: "finished" },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", ...FAST, "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "count.txt"), "utf8"), "ran\n");
      const events = jsonLines(r.stdout);
      const messages = events.filter((e) => e.type === "item.completed" && e.item.type === "agent_message");
      assert.deepEqual(
        messages.map((e) => e.item.text),
        ["working on it", "finished"],
      );
      assert.equal(
        events.filter((e) => e.item?.type === "command_execution" && e.type === "item.started").length,
        1,
      );
      assert.match(events.find((e) => e.type === "error").message, /^Reconnecting\.\.\. 1\/2 \(/);
      const history = t.chatBodies()[2].messages;
      assert.equal(history.filter((m: any) => m.tool_calls).length, 1, "the call is replayed once");
    } finally {
      await t.close();
    }
  });

  test("retries exhausted: one clear error, exit 1", async () => {
    const t = await e2e({
      responses: [{ status: 503 }, { status: 503 }, { status: 503 }, { text: "too late" }],
    });
    try {
      const r = await t.run([
        "exec",
        ...FAST,
        "-c",
        'model_providers.litellm.stream_mode="stream"',
        "-m",
        "m",
        "go",
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /ERROR: gateway answered 503: .* \(gave up after 2 retries\)/);
      assert.equal(t.chatBodies().length, 3);
    } finally {
      await t.close();
    }
  });
});

describe("faults that are not retried", () => {
  for (const status of [400, 401, 402, 403, 404]) {
    test(`HTTP ${status}: one request, the gateway's words quoted, exit 1`, async () => {
      const message = `litellm.SomeError: words from the gateway for ${status}`;
      const t = await e2e({
        responses: [
          { status, body: { error: { message, type: "None", param: "None", code: String(status) } } },
          { text: "never" },
        ],
      });
      try {
        const r = await t.run(["exec", ...FAST, "-m", "m", "go"]);
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(`ERROR: gateway answered ${status}.*words from the gateway for ${status}`),
        );
        assert.doesNotMatch(r.stderr, /reconnecting/);
        assert.equal(t.chatBodies().length, 1);
      } finally {
        await t.close();
      }
    });
  }
});

describe("fetch-and-simulate", () => {
  test("after stream_max_retries failed streams the request goes buffered, and stays buffered for the model", async () => {
    const broken = { text: "broken", chunk_size: 2, fault: { reset_after_chunks: 2 } };
    const t = await e2e({
      responses: [
        broken,
        broken,
        broken,
        {
          text: "buffered tool turn",
          tool_calls: [{ name: "shell", arguments: { command: ["bash", "-lc", "echo hi > out.txt"] } }],
        },
        { text: "all done" },
      ],
    });
    try {
      const r = await t.run(["exec", ...FAST, "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "all done\n");
      assert.equal(readFileSync(join(t.ws.dir, "out.txt"), "utf8"), "hi\n");
      assert.deepEqual(
        t.chatBodies().map((b) => b.stream),
        [true, true, true, false, false],
      );
      assert.equal((r.stderr.match(/switching to buffered requests/g) ?? []).length, 1, "said once");
      // Counters never pass their totals: the switch is the notice, not a third retry of two.
      assert.deepEqual(r.stderr.match(/reconnecting \d+\/\d+/g), ["reconnecting 1/2", "reconnecting 2/2"]);
    } finally {
      await t.close();
    }
  });

  test('stream_mode = "buffered": a whole tool loop with stream: false, usage summed', async () => {
    const t = await e2e({
      responses: [
        {
          reasoning: "plan",
          tool_calls: [
            { name: "shell", arguments: { command: ["bash", "-lc", "printf 'helo\\n' > f.txt"] } },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5 },
        },
        {
          tool_calls: [
            {
              name: "apply_patch",
              arguments: {
                input: "*** Begin Patch\n*** Update File: f.txt\n@@\n-helo\n+hello\n*** End Patch\n",
              },
            },
          ],
          usage: { prompt_tokens: 20, completion_tokens: 6 },
        },
        { text: "fixed", usage: { prompt_tokens: 30, completion_tokens: 7 } },
      ],
    });
    try {
      const r = await t.run([
        "exec",
        "--json",
        "-c",
        'model_providers.litellm.stream_mode="buffered"',
        "-m",
        "m",
        "go",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "f.txt"), "utf8"), "hello\n");
      assert.ok(t.chatBodies().every((b) => b.stream === false && b.stream_options === undefined));
      const events = jsonLines(r.stdout);
      assert.equal(events.find((e) => e.item?.type === "reasoning").item.text, "plan");
      assert.deepEqual(events.at(-1).usage, {
        input_tokens: 60,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        output_tokens: 18,
        reasoning_output_tokens: 0,
      });
    } finally {
      await t.close();
    }
  });

  test("a model family known to need it (gpt-oss) is buffered from the first request; buffered_models adds more", async () => {
    const t = await e2e({ responses: [{ text: "oss answer" }, { text: "glob answer" }] });
    try {
      const oss = await t.run(["exec", "-m", "openai/gpt-oss-120b", "go"]);
      assert.equal(oss.code, 0, oss.stderr);
      assert.match(oss.stderr, /using buffered requests \(stream: false\) for openai\/gpt-oss-120b/);
      const glob = await t.run([
        "exec",
        "-c",
        'model_providers.litellm.buffered_models=["corp/*"]',
        "-m",
        "corp/flaky",
        "go",
      ]);
      assert.equal(glob.stdout, "glob answer\n");
      assert.deepEqual(
        t.chatBodies().map((b) => b.stream),
        [false, false],
      );
    } finally {
      await t.close();
    }
  });
});

describe("interrupts", () => {
  test("Ctrl-C during a request aborts at once: exit 130, turn interrupted", async () => {
    const t = await e2e({ responses: [{ text: "never", fault: { hang_before_headers: true } }] });
    try {
      let sentAt = 0;
      const r = await t.run(["exec", "-m", "m", "go"], {
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (t.chatBodies().length > 0) {
              clearInterval(poll);
              sentAt = Date.now();
              child.kill("SIGINT");
            }
          }, 20);
        },
      });
      const took = Date.now() - sentAt;
      assert.equal(r.code, 130);
      assert.match(r.stderr, /turn interrupted/);
      assert.equal(r.stdout, "");
      assert.ok(took < 3000, `exited ${took} ms after SIGINT`);
    } finally {
      await t.close();
    }
  });
});
