// Models that stop before the task is done, and the quirky formats they answer in, through the built CLI.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import { listRollouts, readRecords } from "../helpers/rollouts.ts";

const write = (script: string) => ({ name: "shell", arguments: { command: ["bash", "-lc", script] } });

describe("auto-continue", () => {
  test("a model that stops after a tool call with nothing to say is nudged and finishes", async () => {
    const t = await e2e({
      responses: [
        { tool_calls: [write("printf 'draft\\n' > notes.txt")] },
        { text: "" },
        { text: "Wrote notes.txt." },
      ],
    });
    try {
      const r = await t.run(["exec", "-m", "m", "write the notes"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "Wrote notes.txt.\n");
      assert.match(
        r.stderr,
        /continuing automatically \(1\/3\): the model stopped after tool output without an answer/,
      );
      const last = t.chatBodies()[2].messages.at(-1);
      assert.equal(last.role, "user");
      assert.match(last.content, /^Continue working on the task without waiting for the user\./);
      assert.match(last.content, /Original request: write the notes$/);
      const [file] = listRollouts(t.ws.home);
      const nudges = readRecords(file).filter(
        (rec) =>
          rec.type === "response_item" &&
          rec.payload.role === "user" &&
          /^Continue working/.test(rec.payload.content[0].text),
      );
      assert.equal(nudges.length, 1, "the nudge is recorded in the session");
    } finally {
      await t.close();
    }
  });

  test("an announced step without a tool call is nudged; --json shows the nudge", async () => {
    const t = await e2e({
      responses: [
        { tool_calls: [write("true")] },
        { text: "I will now create the file." },
        { tool_calls: [write("echo made > made.txt")] },
        { text: "Created made.txt." },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "-m", "m", "make it"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "made.txt"), "utf8"), "made\n");
      const events = jsonLines(r.stdout);
      assert.ok(
        events.some(
          (e) => e.item?.type === "error" && e.item.message === "auto-continue 1/3: announced_no_action",
        ),
      );
      assert.equal(events.at(-1).type, "turn.completed");
    } finally {
      await t.close();
    }
  });

  test("nudges are bounded per turn, and auto_continue_max = 0 turns them off", async () => {
    const stubborn = {
      responses: [
        { tool_calls: [write("true")] },
        { text: "" },
        { text: "" },
        { text: "" },
        { text: "" },
        { text: "never" },
      ],
    };
    const t = await e2e(stubborn);
    try {
      const r = await t.run(["exec", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        t.chatBodies().length,
        5,
        "one tool round, then the first answer and three nudged retries",
      );
      assert.match(r.stderr, /continuing automatically \(3\/3\)/);
      assert.doesNotMatch(r.stderr, /\(4\/3\)/);
    } finally {
      await t.close();
    }
    const off = await e2e(stubborn);
    try {
      const r = await off.run(["exec", "-c", "auto_continue_max=0", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(off.chatBodies().length, 2);
      assert.doesNotMatch(r.stderr, /continuing automatically/);
    } finally {
      await off.close();
    }
  });
});

describe("reasoning and tool formats of the models LiteLLM users run", () => {
  test("gpt-oss Harmony envelope in content: the leaked tool call runs, no control token reaches the user or the gateway", async () => {
    const harmony =
      "<|channel|>analysis<|message|>Need to create the file.<|end|><|start|>assistant<|channel|>commentary to=functions.shell <|constrain|>json<|message|>" +
      '{"command":["bash","-lc","echo harmony > h.txt"]}<|call|>';
    const t = await e2e({ responses: [{ text: harmony, chunk_size: 9 }, { text: "Done." }] });
    try {
      const r = await t.run(["exec", "--json", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "h.txt"), "utf8"), "harmony\n");
      assert.doesNotMatch(r.stdout, /<\|/);
      const second = JSON.stringify(t.chatBodies()[1]);
      assert.doesNotMatch(second, /<\|/);
      const assistant = t.chatBodies()[1].messages.find((m: any) => m.tool_calls);
      assert.equal(assistant.tool_calls[0].function.name, "shell");
      assert.ok(
        jsonLines(r.stdout).some(
          (e) => e.item?.type === "reasoning" && e.item.text === "Need to create the file.",
        ),
      );
    } finally {
      await t.close();
    }
  });

  test("MiniMax inline <think>: shown as reasoning, answer clean, content replayed intact", async () => {
    const t = await e2e({
      responses: [
        {
          text: "<think>I should list files first.</think>Listing.",
          chunk_size: 5,
          tool_calls: [write("ls")],
        },
        { text: "<think>ok</think>There are no files." },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "-m", "minimax-m2", "go"]);
      assert.equal(r.code, 0, r.stderr);
      const events = jsonLines(r.stdout);
      const messages = events.filter((e) => e.item?.type === "agent_message").map((e) => e.item.text);
      assert.deepEqual(messages, ["Listing.", "There are no files."]);
      assert.ok(
        events.some((e) => e.item?.type === "reasoning" && e.item.text === "I should list files first."),
      );
      const assistant = t.chatBodies()[1].messages.find((m: any) => m.tool_calls);
      assert.equal(assistant.content, "<think>I should list files first.</think>Listing.");
    } finally {
      await t.close();
    }
  });

  test("DeepSeek thinking with tools: reasoning_content goes back on the tool-call message only", async () => {
    const t = await e2e({
      responses: [
        { reasoning: "Use ls.", reasoning_field: "reasoning_content", tool_calls: [write("ls")] },
        { reasoning: "Empty dir.", reasoning_field: "reasoning_content", text: "Nothing there." },
        { text: "Still nothing." },
      ],
    });
    try {
      const first = await t.run(["exec", "-m", "deepseek-reasoner", "look"]);
      assert.equal(first.code, 0, first.stderr);
      const assistant = t.chatBodies()[1].messages.find((m: any) => m.tool_calls);
      assert.equal(assistant.reasoning_content, "Use ls.");
      const resumed = await t.run(["exec", "resume", "--last", "again"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      const finals = t.chatBodies()[2].messages.filter((m: any) => m.role === "assistant" && !m.tool_calls);
      assert.deepEqual(
        finals.map((m: any) => [m.content, m.reasoning_content]),
        [["Nothing there.", undefined]],
      );
    } finally {
      await t.close();
    }
  });
});

test("a [model_profiles] table changes stream mode, nudges and replay rules for one family, by config alone", async () => {
  const t = await e2e({
    responses: [
      {
        reasoning: "think first",
        reasoning_field: "reasoning_content",
        text: "<think>inline</think>Listing.",
        tool_calls: [write("ls")],
      },
      { text: "" },
      { text: "unused" },
    ],
  });
  try {
    t.ws.write(
      "../home/config.toml",
      '[model_profiles.corp]\nmodels = ["corp/*"]\nstream_mode = "buffered"\nauto_continue_max = 0\nraw_content_replay = false\nreasoning_content_replay = "never"\n',
    );
    const r = await t.run(["exec", "-m", "corp/odd-model", "go"]);
    assert.equal(r.code, 0, r.stderr);
    const bodies = t.chatBodies();
    assert.deepEqual(
      bodies.map((b) => b.stream),
      [false, false],
      "buffered from the first request; no nudge after the empty answer",
    );
    assert.match(
      r.stderr,
      /using buffered requests \(stream: false\) for corp\/odd-model: its model profile/,
    );
    const assistant = bodies[1].messages.find((m: any) => m.tool_calls);
    assert.equal(assistant.content, "Listing.", "raw <think> content not replayed");
    assert.equal(assistant.reasoning_content, undefined, "reasoning_content not replayed");
  } finally {
    await t.close();
  }
});
