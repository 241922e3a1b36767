import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Fault } from "./scenario.ts";
import { chat, collect, json, withSim } from "./testkit.ts";

// 12 chars at chunk_size 4: 3 content events, then finish, usage, [DONE].
const answer = (fault: Fault) => ({ text: "abcdefghijkl", chunk_size: 4, fault });

describe("streaming faults", () => {
  test("hang_before_headers: no response until the client gives up", async () => {
    await withSim({ responses: [answer({ hang_before_headers: true }), { text: "next" }] }, async (sim) => {
      // Wait for the request to arrive (the machine may be busy), then give it time to (not) answer.
      const controller = new AbortController();
      let settled = false;
      const pending = chat(sim, {}, { signal: controller.signal }).finally(() => {
        settled = true;
      });
      while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(settled, false, "no response while the fault holds");
      controller.abort();
      await assert.rejects(pending, { name: "AbortError" });
      assert.equal(sim.requests.length, 1);
      const next = await collect(await chat(sim));
      assert.equal(next.data[0].json.choices[0].delta.content, "next");
    });
  });

  test("hang_before_headers is released by close()", async () => {
    await withSim({ responses: [answer({ hang_before_headers: true })] }, async (sim) => {
      const pending = chat(sim).then(
        () => "resolved",
        () => "rejected",
      );
      while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      await sim.close();
      assert.equal(await pending, "rejected");
    });
  });

  test("delay_headers_ms delays the response", async () => {
    await withSim({ responses: [answer({ delay_headers_ms: 80 })] }, async (sim) => {
      const started = Date.now();
      const res = await chat(sim);
      assert.ok(Date.now() - started >= 70);
      assert.equal((await collect(res)).data.at(-1)?.data, "[DONE]");
    });
  });

  test("hang_after_chunks: N events, then silence with the socket open", async () => {
    await withSim({ responses: [answer({ hang_after_chunks: 2 })] }, async (sim) => {
      const got = await collect(await chat(sim), 120);
      assert.ok(got.timedOut && !got.ended && !got.error);
      assert.equal(got.data.length, 2);
    });
  });

  test("reset_after_chunks: N events, then the socket is destroyed", async () => {
    await withSim(
      { responses: [answer({ reset_after_chunks: 2 }), answer({ reset_after_chunks: 0 })] },
      async (sim) => {
        const got = await collect(await chat(sim));
        assert.ok(got.error, "the body read fails");
        assert.ok(!got.ended && !got.timedOut);
        assert.deepEqual(
          got.data.map((e) => e.json.choices[0].delta.content),
          ["abcd", "efgh"],
        );
        const res = await chat(sim);
        assert.equal(res.status, 200);
        const early = await collect(res);
        assert.ok(early.error);
        assert.equal(early.data.length, 0);
      },
    );
  });

  test("no_done: the body ends without [DONE]", async () => {
    await withSim({ responses: [answer({ no_done: true })] }, async (sim) => {
      const got = await collect(await chat(sim));
      assert.ok(got.ended);
      assert.equal(got.data.length, 5);
      assert.ok(got.data.every((e) => e.data !== "[DONE]"));
      assert.ok(got.data.at(-1)?.json.usage, "ends with the usage chunk");
    });
  });

  test("keep_open_after_done: [DONE] arrives but the response never ends", async () => {
    await withSim({ responses: [answer({ keep_open_after_done: true })] }, async (sim) => {
      const got = await collect(await chat(sim), 120);
      assert.equal(got.data.at(-1)?.data, "[DONE]");
      assert.ok(got.timedOut && !got.ended);
    });
  });

  test("malformed_after_chunks: a broken data line, then the stream carries on", async () => {
    await withSim({ responses: [answer({ malformed_after_chunks: 1 })] }, async (sim) => {
      const got = await collect(await chat(sim));
      assert.equal(got.data[1].raw, "data: {not json\n\n");
      assert.equal(got.data[1].json, undefined);
      assert.equal(got.data.length, 7);
      assert.equal(got.data.at(-1)?.data, "[DONE]");
    });
  });

  test("error_event_after_chunks: LiteLLM's in-band error, then EOF without [DONE]", async () => {
    await withSim({ responses: [answer({ error_event_after_chunks: 2 })] }, async (sim) => {
      const res = await chat(sim);
      assert.equal(res.status, 200);
      const got = await collect(res);
      assert.ok(got.ended);
      assert.equal(got.data.length, 3);
      const err = got.data[2].json.error;
      assert.deepEqual(Object.keys(err), ["message", "type", "param", "code"]);
      assert.equal(err.code, "500");
      // As LiteLLM 1.106 writes it (test/fixtures/litellm-1.106.12/upstream-reset.sse): nulls, not "None".
      assert.equal(err.type, null);
      assert.equal(err.param, null);
      assert.match(got.data[2].raw, /^data: \{"error": \{"message": /, "Python's json.dumps spacing");
      assert.ok(!got.data.some((e) => e.data === "[DONE]"));
    });
  });

  test("ping_every_ms: comment frames between slow chunks", async () => {
    await withSim({ responses: [answer({ ping_every_ms: 10, chunk_delay_ms: 30 })] }, async (sim) => {
      const res = await chat(sim);
      assert.equal(
        res.headers.get("x-litellm-call-id"),
        null,
        "keep-alive flushes headers before x-litellm-*",
      );
      const got = await collect(res);
      const pings = got.events.filter((e) => e.comment !== undefined);
      assert.ok(pings.length >= 3, `${pings.length} pings`);
      for (const p of pings) assert.equal(p.raw, ": ping\n\n");
      const firstData = got.events.findIndex((e) => e.data !== undefined);
      const lastData = got.events.findLastIndex((e) => e.data !== undefined && e.data !== "[DONE]");
      assert.ok(
        got.events.slice(firstData, lastData).some((e) => e.comment),
        "a ping between data events",
      );
      assert.equal(got.events.at(-1)?.data, "[DONE]", "no pings after [DONE]");
    });
  });

  test("ping_every_ms with a header delay: 200 at once, pings while waiting", async () => {
    await withSim({ responses: [answer({ ping_every_ms: 15, delay_headers_ms: 120 })] }, async (sim) => {
      const started = Date.now();
      const res = await chat(sim);
      assert.ok(Date.now() - started < 100, "headers before the delay elapsed");
      const got = await collect(res);
      assert.equal(got.events[0].raw, ": ping\n\n");
      assert.equal(got.data.length, 6);
    });
  });

  test("ping_every_ms keeps pinging through a hang", async () => {
    await withSim({ responses: [answer({ ping_every_ms: 10, hang_before_headers: true })] }, async (sim) => {
      const got = await collect(await chat(sim, {}, { signal: AbortSignal.timeout(150) }));
      assert.ok(got.events.length >= 3 && got.events.every((e) => e.comment === " ping"));
      assert.equal((got.error as Error).name, "TimeoutError");
    });
  });

  test("chunk_delay_ms spaces the events out", async () => {
    await withSim({ responses: [answer({ chunk_delay_ms: 20 })] }, async (sim) => {
      const started = Date.now();
      const got = await collect(await chat(sim));
      assert.equal(got.data.length, 6);
      assert.ok(Date.now() - started >= 90, "5 gaps of 20 ms");
    });
  });

  test("faults apply to fixtures too", async () => {
    const fixture = "vercel_ai_anthropic-fallback-tool-call.sse";
    const responses = [
      { fixture, fault: { hang_after_chunks: 3 } },
      { fixture, fault: { no_done: true } },
    ];
    await withSim({ responses }, async (sim) => {
      const hung = await collect(await chat(sim), 100);
      assert.equal(hung.data.length, 3);
      assert.ok(hung.timedOut);
      const cut = await collect(await chat(sim));
      assert.ok(cut.ended);
      assert.equal(cut.data.at(-1)?.json.choices[0].finish_reason, "tool_calls");
    });
  });
});

describe("non-streaming faults", () => {
  test("hang, delay, and a reset before the body", async () => {
    const responses = [
      answer({ hang_before_headers: true }),
      answer({ delay_headers_ms: 60 }),
      answer({ reset_after_chunks: 0 }),
    ];
    await withSim({ responses }, async (sim) => {
      await assert.rejects(chat(sim, { stream: false }, { signal: AbortSignal.timeout(80) }), {
        name: "TimeoutError",
      });
      const started = Date.now();
      const delayed = await json(await chat(sim, { stream: false }));
      assert.ok(Date.now() - started >= 50);
      assert.equal(delayed.choices[0].message.content, "abcdefghijkl");
      const reset = await chat(sim, { stream: false });
      assert.equal(reset.status, 200);
      await assert.rejects(reset.text());
    });
  });

  test("close() ends responses kept open by faults", async () => {
    const responses = [answer({ keep_open_after_done: true }), answer({ hang_after_chunks: 1 })];
    await withSim({ responses }, async (sim) => {
      const a = await chat(sim);
      const b = await chat(sim);
      const reading = Promise.all([collect(a, 5000), collect(b, 5000)]);
      await new Promise((r) => setTimeout(r, 30));
      const started = Date.now();
      await sim.close();
      const [ra, rb] = await reading;
      assert.ok(Date.now() - started < 1000);
      assert.ok(!ra.timedOut && !rb.timedOut);
      assert.equal(ra.data.at(-1)?.data, "[DONE]");
      assert.equal(rb.data.length, 1);
    });
  });
});
