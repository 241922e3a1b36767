// `codex-litellm exec` end to end: the built CLI, a real loopback gateway simulator, a real git workspace.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import { loadScenario, scenariosDir } from "../simulator/index.ts";

const hello = () => loadScenario(join(scenariosDir, "hello.json"));
const PATCH = "*** Begin Patch\n*** Update File: hello.txt\n@@\n-helo wrld\n+hello world\n*** End Patch\n";

describe("exec: the hello task", () => {
  test("creates the file, fixes it, prints only the answer on stdout and usage on stderr", async () => {
    const t = await e2e(hello());
    try {
      const r = await t.run(["exec", "-m", "sim-model", "create hello.txt, then fix the typo in it"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "hello.txt"), "utf8"), "hello world\n");
      assert.equal(r.stdout, 'Created hello.txt containing "hello world".\n');
      assert.match(r.stderr, /^codex-litellm v\d+\.\d+\.\d+/);
      assert.match(r.stderr, /model: sim-model/);
      assert.match(r.stderr, /printf 'helo wrld\\n' > hello.txt/);
      assert.match(r.stderr, /patch: completed\nM hello.txt/);
      assert.match(r.stderr, /tokens used: [\d,]+ \(prompt [\d,]+, completion [\d,]+, reasoning [\d,]+\)/);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, "no stack trace");
    } finally {
      await t.close();
    }
  });

  test("what the gateway received: one system message, tools, grouped calls and their outputs", async () => {
    const t = await e2e(hello());
    try {
      const r = await t.run(["exec", "-m", "sim-model", "create hello.txt, then fix the typo in it"]);
      assert.equal(r.code, 0, r.stderr);
      const bodies = t.chatBodies();
      assert.equal(bodies.length, 3);
      for (const body of bodies) {
        assert.equal(body.model, "sim-model");
        assert.equal(body.stream, true);
        assert.deepEqual(body.stream_options, { include_usage: true });
        assert.equal(body.messages.filter((m: any) => m.role === "system").length, 1);
        assert.equal(body.messages[0].role, "system");
        assert.ok(!body.messages.some((m: any) => m.role === "developer"));
        assert.deepEqual(
          body.tools.map((tool: any) => tool.function.name),
          ["shell", "apply_patch", "update_plan"],
        );
      }
      const third = bodies[2].messages;
      const roles = third.map((m: any) => m.role);
      assert.deepEqual(roles, ["system", "user", "user", "assistant", "tool", "assistant", "tool"]);
      assert.match(third[1].content, /<environment_context>[\s\S]*<cwd>/);
      assert.equal(third[2].content, "create hello.txt, then fix the typo in it");
      assert.equal(third[3].content, "I'll create hello.txt.");
      assert.equal(third[3].tool_calls[0].id, "call_hello_create");
      assert.equal(third[4].tool_call_id, "call_hello_create");
      assert.match(third[4].content, /^Exit code: 0\nWall time: [\d.]+ seconds\nOutput:\n/);
      assert.equal(third[5].tool_calls[0].function.name, "apply_patch");
      assert.equal(JSON.parse(third[5].tool_calls[0].function.arguments).input, PATCH);
      assert.equal(third[6].content, "Success. Updated the following files:\nM hello.txt");
    } finally {
      await t.close();
    }
  });

  test("--json prints Codex's JSONL events and nothing else on stdout", async () => {
    const t = await e2e(hello());
    try {
      const r = await t.run([
        "exec",
        "--json",
        "-m",
        "sim-model",
        "create hello.txt, then fix the typo in it",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const events = jsonLines(r.stdout);
      assert.equal(events[0].type, "thread.started");
      assert.match(events[0].thread_id, /^[0-9a-f-]{36}$/);
      assert.equal(events[1].type, "turn.started");
      const types = events.map((e) => `${e.type}${e.item ? `:${e.item.type}` : ""}`);
      assert.deepEqual(types.slice(2), [
        "item.completed:agent_message",
        "item.started:command_execution",
        "item.completed:command_execution",
        "item.completed:reasoning",
        "item.completed:agent_message",
        "item.started:file_change",
        "item.completed:file_change",
        "item.completed:agent_message",
        "turn.completed",
      ]);
      const cmd = events.find((e) => e.type === "item.completed" && e.item.type === "command_execution").item;
      assert.equal(cmd.command, "printf 'helo wrld\\n' > hello.txt");
      assert.equal(cmd.exit_code, 0);
      assert.equal(cmd.status, "completed");
      const change = events.find((e) => e.type === "item.completed" && e.item.type === "file_change").item;
      assert.deepEqual(change.changes, [{ path: "hello.txt", kind: "update" }]);
      assert.equal(change.status, "completed");
      const ids = events.filter((e) => e.item).map((e) => e.item.id);
      assert.ok(ids.every((id) => /^item_\d+$/.test(id)));
      const usage = events.at(-1).usage;
      assert.deepEqual(Object.keys(usage).sort(), [
        "cache_write_input_tokens",
        "cached_input_tokens",
        "input_tokens",
        "output_tokens",
        "reasoning_output_tokens",
      ]);
      assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0);
    } finally {
      await t.close();
    }
  });

  test("the usage total is the sum over the run's requests", async () => {
    const t = await e2e({
      responses: [
        {
          text: "step",
          tool_calls: [{ name: "shell", arguments: { command: ["true"] } }],
          usage: { prompt_tokens: 100, completion_tokens: 10, reasoning_tokens: 3, cached_tokens: 40 },
        },
        {
          text: "done",
          usage: {
            prompt_tokens: 200,
            completion_tokens: 20,
            reasoning_tokens: 5,
            cache_creation_tokens: 25,
          },
        },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(jsonLines(r.stdout).at(-1), {
        type: "turn.completed",
        usage: {
          input_tokens: 300,
          cached_input_tokens: 40,
          cache_write_input_tokens: 25,
          output_tokens: 30,
          reasoning_output_tokens: 8,
        },
      });
      const human = await e2e({
        responses: [
          { text: "a", usage: { prompt_tokens: 1200, completion_tokens: 34, reasoning_tokens: 4 } },
        ],
      });
      try {
        const h = await human.run(["exec", "-m", "m", "go"]);
        assert.match(h.stderr, /tokens used: 1,234 \(prompt 1,200, completion 34, reasoning 4\)/);
      } finally {
        await human.close();
      }
    } finally {
      await t.close();
    }
  });
});

describe("exec: prompt, git check, output file", () => {
  test("the prompt is read from stdin when absent or `-`", async () => {
    const t = await e2e({ responses: [{ text: "one" }, { text: "two" }] });
    try {
      const a = await t.run(["exec", "-m", "m"], { input: "prompt from stdin\n" });
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, "one\n");
      const b = await t.run(["exec", "-m", "m", "-"], { input: "dash prompt" });
      assert.equal(b.stdout, "two\n");
      const prompts = t.chatBodies().map((body) => body.messages.at(-1).content);
      assert.deepEqual(prompts, ["prompt from stdin", "dash prompt"]);
    } finally {
      await t.close();
    }
  });

  test("an empty stdin is a clear error, exit 1", async () => {
    const t = await e2e({ responses: [] });
    try {
      const r = await t.run(["exec", "-m", "m"], { input: "" });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /No prompt provided/);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("outside a git repository exec refuses unless --skip-git-repo-check", async () => {
    const t = await e2e({ responses: [{ text: "ran" }] }, { git: false });
    try {
      const refused = await t.run(["exec", "-m", "m", "hi"]);
      assert.equal(refused.code, 1);
      assert.equal(
        refused.stderr,
        "Error: Not inside a trusted directory and --skip-git-repo-check was not specified.\n",
      );
      assert.equal(t.chatBodies().length, 0);
      const ok = await t.run(["exec", "--skip-git-repo-check", "-m", "m", "hi"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, "ran\n");
    } finally {
      await t.close();
    }
  });

  test("-o writes the last message; -C changes the working directory", async () => {
    const t = await e2e({ responses: [{ text: "final words" }] });
    try {
      t.ws.write("sub/.keep", "");
      const r = await t.run(["exec", "-m", "m", "-C", "sub", "-o", "last.txt", "hi"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(t.ws.dir, "sub", "last.txt"), "utf8"), "final words");
      assert.match(r.stderr, new RegExp(`workdir: ${join(t.ws.dir, "sub")}`));
    } finally {
      await t.close();
    }
  });

  test("options may stand after the prompt; usage errors exit 2", async () => {
    const t = await e2e({ responses: [{ text: "x" }] });
    try {
      const r = await t.run(["exec", "hi", "--json", "-m", "m"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(jsonLines(r.stdout)[0].type, "thread.started");
      const bad = await t.run(["exec", "--no-such-flag", "hi"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown option/);
      const badChoice = await t.run(["exec", "-s", "everything", "hi"]);
      assert.equal(badChoice.code, 2);
    } finally {
      await t.close();
    }
  });
});

describe("exec: configuration", () => {
  test("config.toml, the codex-litellm profile, -c overrides and .env", async () => {
    const t = await e2e({ responses: [{ text: "a" }, { text: "b" }, { text: "c" }] });
    try {
      t.ws.write(
        "../home/config.toml",
        'model = "root-model"\n[profiles.codex-litellm]\nmodel = "profile-model"\nmodel_reasoning_effort = "low"\n',
      );
      await t.run(["exec", "hi"]);
      await t.run(["exec", "-c", 'model="override-model"', "hi"]);
      await t.run(["exec", "-c", "model=override-model", "-m", "flag-model", "hi"]);
      const bodies = t.chatBodies();
      assert.deepEqual(
        bodies.map((b) => b.model),
        ["profile-model", "override-model", "flag-model"],
      );
      assert.equal(bodies[0].reasoning_effort, "low");
    } finally {
      await t.close();
    }
  });

  test("the key can come from $CODEX_HOME/.env; the base URL is normalised to /v1", async () => {
    const t = await e2e({ responses: [{ text: "from dotenv" }] });
    try {
      t.ws.write("../home/.env", `LITELLM_API_KEY="${"sk-e2e-secret-key-0123456789"}"\n`);
      const r = await t.run(["exec", "-m", "m", "hi"], { env: { LITELLM_API_KEY: undefined } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "from dotenv\n");
      assert.equal(t.sim.requests.at(-1)?.path, "/v1/chat/completions");
    } finally {
      await t.close();
    }
  });

  test("a TOML syntax error names the file, line and column and exits 1", async () => {
    const t = await e2e({ responses: [] });
    try {
      t.ws.write("../home/config.toml", 'model = "m"\n[profiles\nx = 1\n');
      const r = await t.run(["exec", "hi"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^Error: ${join(t.ws.home, "config.toml")}:2:\\d+: invalid TOML`));
      assert.equal(r.stderr.trim().split("\n").length, 1, "one line, no stack trace");
    } finally {
      await t.close();
    }
  });

  test("missing model, base URL or key: one clear line, exit 1, nothing sent", async () => {
    const t = await e2e({ responses: [] });
    try {
      const noModel = await t.run(["exec", "hi"]);
      assert.equal(noModel.code, 1);
      assert.match(noModel.stderr, /^Error: no model configured/);
      const noUrl = await t.run(["exec", "-m", "m", "hi"], { env: { LITELLM_BASE_URL: undefined } });
      assert.equal(noUrl.code, 1);
      assert.match(noUrl.stderr, /no gateway configured: set LITELLM_BASE_URL/);
      const noKey = await t.run(["exec", "-m", "m", "hi"], { env: { LITELLM_API_KEY: undefined } });
      assert.equal(noKey.code, 1);
      assert.match(noKey.stderr, /missing API key: set LITELLM_API_KEY/);
      assert.equal(t.chatBodies().length, 0);
    } finally {
      await t.close();
    }
  });

  test("AGENTS.md from the git root down to the working directory reaches the model", async () => {
    const t = await e2e({ responses: [{ text: "ok" }] });
    try {
      t.ws.write("AGENTS.md", "Root rule: use tabs.");
      t.ws.write("pkg/AGENTS.md", "Package rule: no semicolons.");
      const r = await t.run(["exec", "-m", "m", "-C", "pkg", "hi"]);
      assert.equal(r.code, 0, r.stderr);
      const first = t.chatBodies()[0].messages[1].content as string;
      assert.match(first, /^# AGENTS.md instructions for /);
      assert.ok(first.indexOf("Root rule") < first.indexOf("Package rule"));
    } finally {
      await t.close();
    }
  });
});

describe("exec: gateway and tool failures", () => {
  test("401 from the gateway: its message quoted, exit 1, no stack trace", async () => {
    const t = await e2e({ responses: [{ text: "never" }] });
    try {
      const r = await t.run(["exec", "-m", "m", "hi"], { env: { LITELLM_API_KEY: "sk-wrong" } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /ERROR: gateway answered 401/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      const j = await t.run(["exec", "--json", "-m", "m", "hi"], { env: { LITELLM_API_KEY: "sk-wrong" } });
      assert.equal(j.code, 1);
      assert.equal(jsonLines(j.stdout).at(-1).type, "turn.failed");
    } finally {
      await t.close();
    }
  });

  test("an unreachable gateway fails fast with a clear message", async () => {
    const t = await e2e({ responses: [] });
    try {
      const r = await t.run(
        [
          "exec",
          "-m",
          "m",
          "-c",
          "model_providers.litellm.request_max_retries=0",
          "-c",
          "model_providers.litellm.stream_max_retries=0",
          "hi",
        ],
        {
          env: { LITELLM_BASE_URL: "http://127.0.0.1:9" },
        },
      );
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /cannot reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions: nothing listening/,
      );
    } finally {
      await t.close();
    }
  });

  test("an unknown tool and unparsable arguments become tool messages; the loop goes on", async () => {
    const t = await e2e({
      responses: [
        {
          tool_calls: [
            { id: "call_a", name: "launch_rockets", arguments: { count: 3 } },
            { id: "call_b", name: "shell", arguments: '{"command": ["echo", "hi"}' },
            { id: "call_d", name: "shell", arguments: '{"command": ["echo", "repaired"' },
            { id: "call_c", name: "functions.shell", arguments: { cmd: "echo parallel-ok" } },
          ],
        },
        { text: "recovered" },
      ],
    });
    try {
      const r = await t.run(["exec", "-m", "m", "hi"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "recovered\n");
      const messages = t.chatBodies()[1].messages;
      const assistant = messages.find((m: any) => m.tool_calls);
      assert.deepEqual(
        assistant.tool_calls.map((c: any) => c.id),
        ["call_a", "call_b", "call_d", "call_c"],
      );
      assert.equal(assistant.tool_calls[1].function.arguments, "{}", "broken JSON is never replayed");
      assert.equal(
        assistant.tool_calls[2].function.arguments,
        '{"command": ["echo", "repaired"]}',
        "repaired",
      );
      assert.equal(assistant.tool_calls[3].function.name, "shell", "namespaced names are canonicalised");
      const tools = messages.filter((m: any) => m.role === "tool");
      assert.deepEqual(
        tools.map((m: any) => m.tool_call_id),
        ["call_a", "call_b", "call_d", "call_c"],
      );
      assert.match(
        tools[0].content,
        /unknown tool `launch_rockets`; available tools: shell, apply_patch, update_plan/,
      );
      assert.match(tools[1].content, /not valid JSON/);
      assert.match(tools[2].content, /^Exit code: 0[\s\S]*repaired/);
      assert.match(tools[3].content, /^Exit code: 0[\s\S]*parallel-ok/);
    } finally {
      await t.close();
    }
  });

  test("update_plan shows as a todo list; a failing command reports its exit code", async () => {
    const t = await e2e({
      responses: [
        {
          tool_calls: [
            {
              name: "update_plan",
              arguments: {
                plan: [
                  { step: "look", status: "in_progress" },
                  { step: "fix", status: "pending" },
                ],
              },
            },
            { name: "shell", arguments: { command: ["bash", "-lc", "echo oops >&2; exit 3"] } },
          ],
        },
        {
          tool_calls: [
            {
              name: "update_plan",
              arguments: {
                plan: [
                  { step: "look", status: "completed" },
                  { step: "fix", status: "completed" },
                ],
              },
            },
          ],
        },
        { text: "all done" },
      ],
    });
    try {
      const r = await t.run(["exec", "--json", "-m", "m", "plan it"]);
      assert.equal(r.code, 0, r.stderr);
      const events = jsonLines(r.stdout);
      const todos = events.filter((e) => e.item?.type === "todo_list");
      assert.deepEqual(
        todos.map((e) => e.type),
        ["item.started", "item.updated", "item.completed"],
      );
      assert.deepEqual(todos[2].item.items, [
        { text: "look", completed: true },
        { text: "fix", completed: true },
      ]);
      const cmd = events.find((e) => e.type === "item.completed" && e.item.type === "command_execution").item;
      assert.equal(cmd.exit_code, 3);
      assert.equal(cmd.status, "failed");
      assert.match(cmd.aggregated_output, /oops/);
      const toolMsgs = t.chatBodies()[1].messages.filter((m: any) => m.role === "tool");
      assert.equal(toolMsgs[0].content, "Plan updated");
      assert.match(toolMsgs[1].content, /^Exit code: 3/);
    } finally {
      await t.close();
    }
  });
});
