import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { HistoryItem } from "../protocol/items.ts";
import { assistantMessage, userMessage } from "../protocol/items.ts";
import type { ModelRequest } from "../protocol/model.ts";
import { ChatBodyEncoder, chatBodyBytes } from "./body-encoder.ts";
import { type BodyOptions, chatBody, type ReplayRules } from "./messages.ts";

const call = (id: string, args = "{}"): HistoryItem => ({
  type: "function_call",
  call_id: id,
  name: "shell",
  arguments: args,
});
const output = (id: string, text: string): HistoryItem => ({
  type: "function_call_output",
  call_id: id,
  output: text,
});
const reasoning = (text: string): HistoryItem => ({
  type: "reasoning",
  text,
  reasoning_content: `rc ${text}`,
});
const developer = (text: string): HistoryItem => ({
  type: "message",
  role: "developer",
  content: [{ type: "input_text", text }],
});
const request = (items: HistoryItem[]): ModelRequest => ({
  model: "m",
  instructions: "sys",
  items,
  tools: [],
});
const expected = (req: ModelRequest, options: BodyOptions) =>
  Buffer.from(JSON.stringify(chatBody(req, options)));

/** Sends `req` through `encoder` and checks the bytes against a body built from scratch. */
function sendChecked(encoder: ChatBodyEncoder, req: ModelRequest, options: BodyOptions = { stream: true }) {
  const chunks = encoder.bytes(req, options);
  assert.deepEqual(Buffer.concat(chunks).toString(), expected(req, options).toString());
  return chunks;
}

/** A deterministic xorshift generator. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

describe("ChatBodyEncoder", () => {
  test("a conversation's growing requests: the bytes of a body built from scratch, the start reused", () => {
    const encoder = new ChatBodyEncoder();
    const history: HistoryItem[] = [userMessage("go → 🙂")];
    const first = sendChecked(encoder, request(history));
    // Two calls in one response: the first output closes the group, taking the second output from the next item.
    history.push(
      reasoning("plan"),
      call("a", '{"command":["ls"]}'),
      call("b"),
      output("a", "x\ty\n"),
      output("b", "b"),
    );
    const second = sendChecked(encoder, request(history));
    history.push(assistantMessage("done ✔"), userMessage("again"));
    const third = sendChecked(encoder, request(history));
    // The bytes kept for the settled start are sent again as they are, not encoded anew.
    const kept = (chunks: Buffer[]) => new Set(chunks);
    assert.ok(first.some((chunk) => kept(second).has(chunk) && chunk.toString().includes("go →")));
    assert.ok(second.some((chunk) => kept(third).has(chunk) && chunk.toString().includes("x\\ty")));
    // A retry of the same request sends the same bytes.
    sendChecked(encoder, request(history));
  });

  test("whatever the history does, every request's bytes are those of a fresh body", () => {
    const rand = random(20261205);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
    const rules: ReplayRules[] = [
      { reasoningContentReplay: "tool_calls", rawContentReplay: true },
      { reasoningContentReplay: "always", rawContentReplay: false },
      { reasoningContentReplay: "never", rawContentReplay: true },
      { reasoningContentReplay: "tool_calls", rawContentReplay: false },
    ];
    for (let run = 0; run < 40; run++) {
      const encoder = new ChatBodyEncoder();
      let history: HistoryItem[] = [];
      let replay = rules[0];
      const calls: string[] = [];
      for (let step = 0; step < 60; step++) {
        const r = rand();
        const id = `c${Math.floor(rand() * 12)}`;
        if (r < 0.15) history.push(userMessage(`u${step} ${pick(["", "é", "\u2028", '"q"'])}`));
        else if (r < 0.25) history.push(reasoning(`r${step}`));
        else if (r < 0.35)
          history.push(assistantMessage(`a${step}`, rand() < 0.3 ? `<think>x</think>a${step}` : undefined));
        else if (r < 0.5) {
          history.push(call(id));
          calls.push(id);
        } else if (r < 0.65)
          history.push(output(calls.length && rand() < 0.8 ? pick(calls) : id, `o${step}`));
        else if (r < 0.7) history.push(developer(`d${step}`));
        else if (r < 0.75) history.push({ ...userMessage(`img${step}`, ["data:image/png;base64,AA=="]) });
        else if (r < 0.8) {
          // A request with one more item than the history (a summary request), then back to the history.
          sendChecked(
            encoder,
            { ...request([...history, userMessage("summarise")]), instructions: "other" },
            {
              stream: false,
              replay,
            },
          );
        } else if (r < 0.83)
          history = history.slice(Math.floor(rand() * history.length)); // compaction
        else if (r < 0.86) replay = pick(rules);
        else if (r < 0.88) history = [...history]; // the same items in a new array (a model switch)
        sendChecked(encoder, request(history), { stream: true, replay });
      }
    }
  });

  test("a late output for a call already answered replaces the placeholder, as a fresh body would", () => {
    const encoder = new ChatBodyEncoder();
    const history: HistoryItem[] = [userMessage("go"), call("a"), userMessage("interrupted; go on")];
    const before = Buffer.concat(sendChecked(encoder, request(history))).toString();
    assert.match(before, /aborted: the tool call was interrupted/);
    history.push(output("a", "late"));
    const after = Buffer.concat(sendChecked(encoder, request(history))).toString();
    assert.match(after, /"content":"late"/);
  });

  test("a big first request is written in chunks, and the kept part holds no mostly empty buffers", () => {
    // About 1.1 MB settled: the second megabyte buffer is mostly empty and is copied out before it is kept.
    const items: HistoryItem[] = [];
    for (let i = 0; i < 110; i++)
      items.push(
        userMessage(`step ${i}`),
        call(`c${i}`),
        output(`c${i}`, `${i % 4 ? "" : "→ "}${"line\n".repeat(2000)}`),
      );
    const encoder = new ChatBodyEncoder();
    const chunks = sendChecked(encoder, request(items));
    assert.ok(chunks.length > 2);
    items.push(userMessage("one more"));
    const next = sendChecked(encoder, request(items));
    const kept = next.filter((chunk) => chunks.includes(chunk));
    assert.ok(kept.length >= 2);
    for (const chunk of kept)
      assert.ok(
        chunk.byteLength * 2 >= chunk.buffer.byteLength,
        `${chunk.byteLength} of ${chunk.buffer.byteLength}`,
      );
  });

  test("many small turns are joined into few buffers", () => {
    const encoder = new ChatBodyEncoder();
    const history: HistoryItem[] = [];
    for (let i = 0; i < 300; i++) {
      history.push(userMessage(`turn ${i}`));
      sendChecked(encoder, request(history));
    }
    assert.ok(encoder.bytes(request(history), { stream: true }).length < 80);
  });
});

describe("chatBodyBytes", () => {
  const bytes = (req: Parameters<typeof chatBody>[0], options: Parameters<typeof chatBody>[1]) =>
    Buffer.concat(chatBodyBytes(req, options));
  const json = (req: Parameters<typeof chatBody>[0], options: Parameters<typeof chatBody>[1]) =>
    Buffer.from(JSON.stringify(chatBody(req, options)));

  test("the bytes of JSON.stringify(chatBody(...)), whatever the options", () => {
    const items: HistoryItem[] = [
      userMessage('quote " backslash \\ tab \t résumé → 🙂 \u2028'),
      { type: "reasoning", text: "t", reasoning_content: "why ✔" },
      call("a", '{"command":["ls"]}'),
      output("a", "out\n".repeat(10)),
      assistantMessage("done ✖"),
    ];
    const tools = [{ name: "shell", description: "runs → things", parameters: { type: "object" } }];
    const requests = [
      request([]),
      request(items),
      { ...request(items), tools, reasoningEffort: "high" },
      { ...request(items), instructions: "" },
    ];
    for (const req of requests)
      for (const options of [
        { stream: true },
        { stream: false },
        { stream: true, dropParams: new Set(["stream_options", "reasoning_effort"]) },
        { stream: true, replay: { reasoningContentReplay: "always" as const, rawContentReplay: false } },
      ])
        assert.deepEqual(bytes(req, options), json(req, options));
  });
});
