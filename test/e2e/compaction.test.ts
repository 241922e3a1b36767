// The context window and compaction end to end: thresholds from config and from the gateway's model info,
// compaction on a context-window 400, trimming an oversized summary request, and the resume safeguard.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import type { ScriptedResponse } from "../simulator/index.ts";

const FAST = ["-c", "model_providers.litellm.stream_idle_timeout_ms=5000"];
const CONTEXT_ERROR: ScriptedResponse = {
  status: 400,
  body: {
    error: {
      message:
        "litellm.ContextWindowExceededError: litellm.BadRequestError: This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens.",
      type: null,
      param: null,
      code: "400",
    },
  },
};

function rolloutRecords(home: string): any[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(join(home, "sessions"));
  assert.equal(out.length, 1);
  return readFileSync(out[0], "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
}

const texts = (body: any) => body.messages.map((m: any) => m.content ?? "");

/** A summary request: no tools, one system and one user message carrying the transcript and the prompt. */
function assertSummaryRequest(body: any): string {
  assert.equal(body.tools, undefined, "no tools in the summary request");
  assert.deepEqual(
    body.messages.map((m: any) => m.role),
    ["system", "user"],
  );
  assert.ok(!body.messages.some((m: any) => m.tool_calls));
  const text = body.messages[1].content as string;
  assert.match(text, /CONTEXT CHECKPOINT COMPACTION/);
  return text;
}

/** The request after compaction: tools again, the summary, no earlier assistant or tool messages. */
function assertCompactedRequest(body: any, summary: string, prompt: string): void {
  assert.ok(Array.isArray(body.tools) && body.tools.length > 0);
  const roles = body.messages.map((m: any) => m.role);
  assert.deepEqual(roles, ["system", "user", "user", "user"], JSON.stringify(texts(body)));
  const [, context, user, summaryMsg] = body.messages;
  assert.match(context.content, /^<environment_context>/);
  assert.equal(user.content, prompt);
  assert.match(summaryMsg.content, /hand-off summary/);
  assert.ok(summaryMsg.content.endsWith(summary));
}

function toolStep(usage?: { prompt_tokens: number; completion_tokens: number }): ScriptedResponse {
  return {
    text: "looking around",
    tool_calls: [{ id: "call_old", name: "shell", arguments: { command: ["echo", "OLD-OUTPUT"] } }],
    ...(usage ? { usage } : {}),
  };
}

describe("compaction", () => {
  test("a small context_length triggers compaction before the next request; resume starts from it", async () => {
    const t = await e2e({
      responses: [
        toolStep({ prompt_tokens: 3700, completion_tokens: 20 }),
        { text: "SUMMARY: echoed OLD-OUTPUT" },
        { text: "finished" },
        { text: "resumed answer" },
      ],
    });
    try {
      const r = await t.run(["exec", "-m", "m", "-c", "context_length=4000", ...FAST, "do work"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "finished\n");
      assert.match(r.stderr, /\ncontext compacted\n/);
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 3);
      const transcript = assertSummaryRequest(bodies[1]);
      assert.match(transcript, /\[user\]\ndo work/);
      assert.match(transcript, /\[tool output\]\nExit code: 0[\s\S]*OLD-OUTPUT/);
      assertCompactedRequest(bodies[2], "SUMMARY: echoed OLD-OUTPUT", "do work");
      assert.doesNotMatch(JSON.stringify(bodies[2].messages), /call_old|looking around/);

      const recs = rolloutRecords(t.ws.home);
      const compacted = recs.find((x) => x.type === "compacted");
      assert.equal(compacted.payload.message, "SUMMARY: echoed OLD-OUTPUT");
      assert.deepEqual(
        compacted.payload.replacement_history.map((i: any) => i.content[0].text),
        texts(bodies[2]).slice(1),
      );
      const order = recs.map((x) => x.payload.type ?? x.type);
      assert.ok(order.indexOf("compacted") < order.indexOf("context_compacted"));
      assert.ok(order.lastIndexOf("function_call_output") < order.indexOf("compacted"));

      const again = await t.run(["exec", "resume", "--last", "-m", "m", "-c", "context_length=4000", "next"]);
      assert.equal(again.code, 0, again.stderr);
      const resumed = texts(t.chatBodies()[3]);
      assert.deepEqual(resumed.slice(2), [...texts(bodies[2]).slice(2), "finished", "next"]);
      assert.doesNotMatch(JSON.stringify(t.chatBodies()[3]), /call_old|looking around|Exit code/);
    } finally {
      await t.close();
    }
  });

  test("the window discovered from the gateway's model info triggers compaction (and is cached)", async () => {
    const t = await e2e({
      models: [{ id: "small-model", max_input_tokens: 4000 }],
      responses: [
        toolStep({ prompt_tokens: 3650, completion_tokens: 10 }),
        { text: "SUMMARY: small" },
        { text: "done small" },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "-m", "small-model", ...FAST, "work"]);
      assert.equal(r.code, 0, r.stderr);
      const events = jsonLines(r.stdout);
      const allowed = new Set([
        "thread.started",
        "turn.started",
        "item.started",
        "item.updated",
        "item.completed",
        "turn.completed",
        "turn.failed",
        "error",
      ]);
      for (const e of events) assert.ok(allowed.has(e.type), `unexpected JSONL event ${e.type}`);
      assert.equal(events.at(-1).type, "turn.completed");
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 3);
      assertSummaryRequest(bodies[1]);
      assertCompactedRequest(bodies[2], "SUMMARY: small", "work");
      const counts = rolloutRecords(t.ws.home).filter((x) => x.payload.type === "token_count");
      assert.equal(counts[0].payload.info.model_context_window, 4000);
      assert.ok(existsSync(join(t.ws.home, "cache", "codex-litellm-models.json")));
      // Usage of the summary request counts towards the run's total.
      const usage = events.at(-1).usage;
      assert.ok(usage.input_tokens > 3650, JSON.stringify(usage));
    } finally {
      await t.close();
    }
  });

  test("a context-window 400 compacts and retries the request once", async () => {
    const t = await e2e({
      responses: [toolStep(), CONTEXT_ERROR, { text: "SUMMARY: after 400" }, { text: "recovered" }],
    });
    try {
      const r = await t.run(["exec", "-m", "m", ...FAST, "big job"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "recovered\n");
      assert.match(r.stderr, /context compacted/);
      assert.doesNotMatch(r.stderr, /ERROR/);
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 4);
      assert.ok(
        bodies[1].messages.some((m: any) => m.role === "tool"),
        "the request that did not fit",
      );
      assertSummaryRequest(bodies[2]);
      assertCompactedRequest(bodies[3], "SUMMARY: after 400", "big job");
    } finally {
      await t.close();
    }
  });

  test("a summary request that does not fit is retried with older items trimmed", async () => {
    const t = await e2e({
      responses: [toolStep(), CONTEXT_ERROR, CONTEXT_ERROR, { text: "SUMMARY: trimmed" }, { text: "ok" }],
    });
    try {
      const r = await t.run(["exec", "-m", "m", ...FAST, "big job"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /trimmed 1 older conversation item\(s\)/);
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 5);
      const full = assertSummaryRequest(bodies[2]);
      const trimmed = assertSummaryRequest(bodies[3]);
      assert.match(full, /\[user\]\nbig job/);
      assert.doesNotMatch(trimmed, /\[user\]\nbig job/, "the oldest item went first");
      assert.match(trimmed, /OLD-OUTPUT/);
      assertCompactedRequest(bodies[4], "SUMMARY: trimmed", "big job");
    } finally {
      await t.close();
    }
  });

  test("when nothing can be compacted, a context-window error fails the run with its message", async () => {
    const t = await e2e({ responses: [CONTEXT_ERROR] });
    try {
      const r = await t.run(["exec", "--json", "-m", "m", ...FAST, "huge prompt"]);
      assert.equal(r.code, 1);
      const last = jsonLines(r.stdout).at(-1);
      assert.equal(last.type, "turn.failed");
      assert.match(last.error.message, /ContextWindowExceededError/);
      assert.equal(t.chatBodies().length, 1);
    } finally {
      await t.close();
    }
  });

  test("resuming a session larger than the window compacts first, with a note", async () => {
    const t = await e2e({
      responses: [
        {
          tool_calls: [{ id: "call_big", name: "shell", arguments: { command: ["seq", "1", "1300"] } }],
        },
        // The gateway's count for the stored conversation is what a resume starts from.
        { text: "listed", usage: { prompt_tokens: 2700, completion_tokens: 10 } },
        { text: "SUMMARY: listed numbers" },
        { text: "continued" },
      ],
    });
    try {
      const first = await t.run(["exec", "-m", "m", ...FAST, "list numbers"]);
      assert.equal(first.code, 0, first.stderr);
      const r = await t.run([
        "exec",
        "resume",
        "--last",
        "-m",
        "m",
        "-c",
        "context_length=2500",
        ...FAST,
        "more",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "continued\n");
      assert.match(
        r.stderr,
        /warning: the resumed session holds about \d+ tokens, more than the 2500-token context window; compacting it first/,
      );
      assert.match(r.stderr, /context compacted/);
      assert.ok(r.stderr.indexOf("context compacted") < r.stderr.indexOf("\nuser\n"), "before the turn");
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 4);
      assert.match(assertSummaryRequest(bodies[2]), /\n1299\n1300\n/);
      const after = texts(bodies[3]);
      assert.deepEqual(after.slice(2), [
        "list numbers",
        `${after[3].split("\n")[0]}\nSUMMARY: listed numbers`,
        "more",
      ]);
      assert.doesNotMatch(JSON.stringify(bodies[3]), /\\n1300\\n/);
      const recs = rolloutRecords(t.ws.home);
      assert.equal(recs.filter((x) => x.type === "compacted").length, 1);
    } finally {
      await t.close();
    }
  });
});
