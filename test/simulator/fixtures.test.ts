import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { recordedDir } from "./scenario.ts";
import { chat, collect, withSim } from "./testkit.ts";

const files = readdirSync(recordedDir).sort();
const read = (name: string) => readFileSync(resolve(recordedDir, name), "utf8");
const parsed = (name: string) => JSON.parse(read(name));

/** The exact SSE body each stream fixture must replay as. */
function expectedWire(name: string): string | undefined {
  if (name.endsWith(".sse")) return read(name);
  const done = "data: [DONE]\n\n";
  if (name.endsWith(".chunks.jsonl")) {
    const lines = read(name)
      .split("\n")
      .filter((l) => l.trim());
    return lines.map((l) => `data: ${l}\n\n`).join("") + done;
  }
  if (name.endsWith(".json")) {
    const doc = parsed(name);
    if (Array.isArray(doc.chunks))
      return doc.chunks.map((c: unknown) => `data: ${JSON.stringify(c)}\n\n`).join("") + done;
  }
  return undefined;
}

const streams = files.filter((f) => expectedWire(f) !== undefined);
const modelResponses = files.filter(
  (f) => f.endsWith(".json") && !streams.includes(f) && parsed(f).choices?.[0]?.message,
);
const otherJson = files.filter(
  (f) => f.endsWith(".json") && !streams.includes(f) && !modelResponses.includes(f),
);

describe("recorded stream fixtures replay byte for byte", () => {
  test("the fixture directory has the expected kinds", () => {
    assert.ok(streams.length >= 10, `${streams.length} stream fixtures`);
    assert.ok(streams.includes("vercel_ai_bedrock-kimi-k2-inline-think-xml-tool.chunks.jsonl"));
    assert.ok(streams.includes("anomalyco_opencode_openrouter-ox-duplicate-stop.json"));
    assert.equal(modelResponses.length, 3);
  });

  for (const name of streams) {
    test(name, async () => {
      await withSim({ responses: [{ fixture: name }] }, async (sim) => {
        const res = await chat(sim);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "text/event-stream");
        assert.ok(res.headers.get("x-litellm-call-id"));
        const got = await collect(res);
        assert.ok(got.ended);
        assert.equal(got.text, expectedWire(name));
      });
    });
  }

  test("an absolute fixture path works too", async () => {
    const name = "vercel_ai_groq-single-delta-tool-call.chunks.jsonl";
    await withSim({ responses: [{ fixture: resolve(recordedDir, name) }] }, async (sim) => {
      assert.equal((await collect(await chat(sim))).text, expectedWire(name));
    });
  });
});

describe("ModelResponse fixtures", () => {
  for (const name of modelResponses) {
    test(`${name}: verbatim for stream:false, re-chunked for stream:true`, async () => {
      const doc = parsed(name);
      const message = doc.choices[0].message;
      await withSim({ responses: [{ fixture: name }, { fixture: name }] }, async (sim) => {
        const plain = await chat(sim, { stream: false });
        assert.match(plain.headers.get("content-type") ?? "", /application\/json/);
        assert.equal(await plain.text(), read(name));

        const got = await collect(await chat(sim, { model: "grp" }));
        assert.equal(got.data.at(-1)?.data, "[DONE]");
        const chunks = got.data.slice(0, -1).map((e) => e.json);
        assert.ok(chunks.every((c) => c.model === "grp" && c.object === "chat.completion.chunk"));
        const deltas = chunks.map((c) => c.choices[0].delta);
        const join = (key: string) => deltas.map((d) => d[key] ?? "").join("");
        assert.equal(join("content"), message.content ?? "");
        assert.equal(join("reasoning_content"), message.reasoning_content ?? "");
        const calls = new Map<number, { id: string; name: string; args: string }>();
        for (const frag of deltas.flatMap((d) => d.tool_calls ?? [])) {
          const call = calls.get(frag.index) ?? { id: frag.id, name: frag.function.name, args: "" };
          call.args += frag.function.arguments;
          calls.set(frag.index, call);
        }
        assert.deepEqual(
          [...calls.values()],
          (message.tool_calls ?? []).map(
            (t: { id: string; function: { name: string; arguments: string } }) => ({
              id: t.id,
              name: t.function.name,
              args: t.function.arguments,
            }),
          ),
        );
        const finish = chunks.find((c) => c.choices[0].finish_reason);
        assert.equal(finish.choices[0].finish_reason, doc.choices[0].finish_reason);
        const usage = chunks.at(-1).usage;
        assert.equal(usage.prompt_tokens, doc.usage.prompt_tokens);
        assert.equal(usage.completion_tokens, doc.usage.completion_tokens);
      });
    });
  }
});

describe("other JSON fixtures", () => {
  for (const name of otherJson) {
    test(`${name} is served verbatim as a JSON body`, async () => {
      await withSim({ responses: [{ fixture: name }] }, async (sim) => {
        const res = await chat(sim, { stream: false });
        assert.equal(res.status, 200);
        assert.equal(await res.text(), read(name));
      });
    });
  }
});
