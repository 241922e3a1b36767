// MCP servers end to end: the built CLI starts real servers from config.toml, the scripted model calls their
// tools by their exposed names, and the tests check the side effects and what the model was sent back.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e, jsonLines } from "../helpers/e2e.ts";
import { EVERYTHING, FILESYSTEM, mcpToml, writeTinyServer } from "../helpers/mcp.ts";
import { freePort } from "../helpers/net.ts";
import { listRollouts, readRecords } from "../helpers/rollouts.ts";

const call = (id: string, name: string, args: object) => ({ tool_calls: [{ id, name, arguments: args }] });
/** The tool message answering `id` in the last request the gateway received. */
function toolReply(bodies: any[], id: string): string {
  const messages = bodies.at(-1).messages as any[];
  const reply = messages.find((m) => m.role === "tool" && m.tool_call_id === id);
  assert.ok(reply, `a tool message answers ${id}`);
  return reply.content;
}
const everything = () => mcpToml("everything", { command: process.execPath, args: [EVERYTHING, "stdio"] });

describe("MCP over stdio in exec", () => {
  test("the server's tools are offered, called by their exposed names, and their results go back", async () => {
    const t = await e2e({
      responses: [
        call("c_echo", "mcp__everything__echo", { message: "hi there" }),
        call("c_sum", "mcp__everything__get-sum", { a: 2, b: 40 }),
        call("c_weather", "mcp__everything__get-structured-content", { location: "Chicago" }),
        { text: "done" },
      ],
    });
    try {
      appendFileSync(join(t.ws.home, "config.toml"), everything());
      const r = await t.run(["exec", "--json", "-m", "sim-model", "use the tools"]);
      assert.equal(r.code, 0, r.stderr);
      const bodies = t.chatBodies();
      const tools = bodies[0].tools.map((x: any) => x.function);
      const echo = tools.find((f: any) => f.name === "mcp__everything__echo");
      assert.ok(echo, `echo offered among ${tools.map((f: any) => f.name).join(", ")}`);
      assert.equal(echo.parameters.type, "object");
      assert.ok(echo.parameters.properties.message, "the input schema is passed on");
      assert.ok(!JSON.stringify(echo.parameters).includes("$schema"));
      for (const f of tools) assert.match(f.name, /^[a-zA-Z0-9_-]{1,64}$/);
      assert.deepEqual(
        tools.slice(0, 3).map((f: any) => f.name),
        ["shell", "apply_patch", "update_plan"],
      );
      assert.equal(toolReply(bodies, "c_echo"), "Echo: hi there");
      assert.match(toolReply(bodies, "c_sum"), /42/);

      const items = jsonLines(r.stdout).filter((e) => e.item?.type === "mcp_tool_call");
      assert.deepEqual(
        items.map((e) => [e.type, e.item.tool, e.item.status]),
        [
          ["item.started", "echo", "in_progress"],
          ["item.completed", "echo", "completed"],
          ["item.started", "get-sum", "in_progress"],
          ["item.completed", "get-sum", "completed"],
          ["item.started", "get-structured-content", "in_progress"],
          ["item.completed", "get-structured-content", "completed"],
        ],
      );
      const weather = items[5].item.result.structured_content;
      assert.ok(weather && typeof weather === "object", "structured content is passed on");
      assert.ok(toolReply(bodies, "c_weather").includes(String(Object.values(weather)[0])));
      const done = items[1].item;
      assert.equal(done.server, "everything");
      assert.deepEqual(done.arguments, { message: "hi there" });
      assert.deepEqual(done.result.content, [{ type: "text", text: "Echo: hi there" }]);
      assert.equal(done.error, null);
      assert.equal(items[1].item.id, items[0].item.id);
      assert.equal(items[0].item.result, null);
    } finally {
      await t.close();
    }
  });

  test("human output shows the call and its result; the session file records it and resume replays it", async () => {
    const t = await e2e({
      responses: [
        call("c_echo", "mcp__everything__echo", { message: "remember me" }),
        { text: "ok" },
        { text: "again" },
      ],
    });
    try {
      appendFileSync(join(t.ws.home, "config.toml"), everything());
      const r = await t.run(["exec", "-m", "sim-model", "echo"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /mcp\neverything\/echo started/);
      assert.match(r.stderr, /everything\/echo \(completed in \d+ms\):\nEcho: remember me/);
      const [rollout] = listRollouts(t.ws.home);
      const items = readRecords(rollout)
        .filter((x) => x.type === "response_item")
        .map((x) => x.payload);
      const fc = items.find((i) => i.type === "function_call");
      assert.equal(fc.name, "mcp__everything__echo");
      assert.equal(
        items.find((i) => i.type === "function_call_output" && i.call_id === "c_echo").output,
        "Echo: remember me",
      );

      const again = await t.run(["exec", "resume", "--last", "-m", "sim-model", "and now?"]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(toolReply(t.chatBodies(), "c_echo"), "Echo: remember me");
    } finally {
      await t.close();
    }
  });

  test("calls follow the approval policy: untrusted refuses what is not read-only; never runs it", async () => {
    const script = () => ({
      responses: [
        call("c_write", "mcp__fs__write_file", { path: "written.txt", content: "from mcp" }),
        call("c_list", "mcp__fs__list_directory", { path: "." }),
        { text: "done" },
      ],
    });
    const fs = (dir: string) => mcpToml("fs", { command: process.execPath, args: [FILESYSTEM, dir] });
    const t = await e2e(script());
    try {
      appendFileSync(join(t.ws.home, "config.toml"), fs(t.ws.dir));
      const r = await t.run(["exec", "-a", "untrusted", "-m", "sim-model", "write"]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(join(t.ws.dir, "written.txt")), "the refused call did not run");
      assert.match(
        toolReply(t.chatBodies(), "c_write"),
        /MCP tool call not run: approval_policy is "untrusted".*read-only/,
      );
      assert.match(toolReply(t.chatBodies(), "c_list"), /\[DIR\] \.git/, "a read-only tool runs");
    } finally {
      await t.close();
    }
    const u = await e2e(script());
    try {
      appendFileSync(join(u.ws.home, "config.toml"), fs(u.ws.dir));
      const r = await u.run(["exec", "-m", "sim-model", "write"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(join(u.ws.dir, "written.txt"), "utf8"), "from mcp");
      assert.match(toolReply(u.chatBodies(), "c_write"), /Successfully wrote/);
    } finally {
      await u.close();
    }
  });

  test("a stdio server gets the secret-free environment plus its own env and env_vars", async () => {
    const t = await e2e({ responses: [call("c_env", "mcp__everything__get-env", {}), { text: "done" }] });
    try {
      appendFileSync(
        join(t.ws.home, "config.toml"),
        mcpToml("everything", {
          command: process.execPath,
          args: [EVERYTHING, "stdio"],
          env: { FROM_CONFIG: "set-by-env" },
          env_vars: ["PASSED_TOKEN"],
        }),
      );
      const r = await t.run(["exec", "-m", "sim-model", "env"], {
        env: { OTHER_SECRET: "hidden-secret-value", PASSED_TOKEN: "passed-token-value", PLAIN_VAR: "plain" },
      });
      assert.equal(r.code, 0, r.stderr);
      const env = JSON.parse(toolReply(t.chatBodies(), "c_env"));
      assert.equal(env.LITELLM_API_KEY, undefined, "the gateway key never reaches a server");
      assert.equal(env.OTHER_SECRET, undefined, "names with SECRET are removed as for commands");
      assert.equal(env.PLAIN_VAR, "plain");
      assert.equal(env.FROM_CONFIG, "set-by-env");
      assert.equal(env.PASSED_TOKEN, "passed-token-value", "env_vars passes a variable on");
    } finally {
      await t.close();
    }
  });
});

describe("MCP failures are contained", () => {
  test("a server that cannot start, or never answers, costs one warning; the other servers' tools work", async () => {
    const t = await e2e({ responses: [call("c_ok", "mcp__tiny__ok", {}), { text: "done" }] });
    try {
      const tiny = writeTinyServer(t.ws.tmp, "tiny");
      appendFileSync(
        join(t.ws.home, "config.toml"),
        mcpToml("broken", { command: "/nonexistent/mcp-server" }) +
          mcpToml("silent", { command: "sleep", args: ["30"], startup_timeout_sec: 0.2 }) +
          mcpToml("tiny", { command: process.execPath, args: [tiny] }) +
          mcpToml("off", { command: "/nonexistent/other", enabled: false }),
      );
      const r = await t.run(["exec", "-m", "sim-model", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.match(/MCP server `broken` failed to start/g)?.length, 1, r.stderr);
      assert.match(
        r.stderr,
        /MCP server `silent` failed to start: no answer within 0\.2 s \(startup_timeout_sec\)/,
      );
      assert.doesNotMatch(r.stderr, /`off`/, "a disabled server is not started");
      assert.doesNotMatch(r.stderr, /tiny-noise/, "server stderr stays off the terminal");
      assert.equal(toolReply(t.chatBodies(), "c_ok"), "ok from tiny");
      const names = t.chatBodies()[0].tools.map((x: any) => x.function.name);
      assert.ok(!names.some((n: string) => n.startsWith("mcp__broken")));
    } finally {
      await t.close();
    }
  });

  test("a call past tool_timeout_sec is cancelled and the model told; a server that dies is reported once", async () => {
    const t = await e2e({
      responses: [
        call("c_hang", "mcp__tiny__hang", {}),
        call("c_crash", "mcp__tiny__crash", {}),
        call("c_after", "mcp__tiny__ok", {}),
        call("c_other", "mcp__other__ok", {}),
        { text: "done" },
      ],
    });
    try {
      const tiny = writeTinyServer(t.ws.tmp, "tiny");
      const other = writeTinyServer(t.ws.tmp, "other");
      appendFileSync(
        join(t.ws.home, "config.toml"),
        mcpToml("tiny", { command: process.execPath, args: [tiny], tool_timeout_sec: 0.2 }) +
          mcpToml("other", { command: process.execPath, args: [other] }),
      );
      const r = await t.run(["exec", "--json", "-m", "sim-model", "go"]);
      assert.equal(r.code, 0, r.stderr);
      const bodies = t.chatBodies();
      assert.match(
        toolReply(bodies, "c_hang"),
        /took longer than 0\.2 s \(tool_timeout_sec of server `tiny`\) and was cancelled/,
      );
      assert.match(toolReply(bodies, "c_crash"), /MCP tool call failed/);
      assert.match(toolReply(bodies, "c_after"), /MCP server `tiny` is not available/);
      assert.equal(toolReply(bodies, "c_other"), "ok from other");
      const events = jsonLines(r.stdout);
      const stopped = events.filter(
        (e) => e.item?.type === "error" && /MCP server `tiny` stopped/.test(e.item.message),
      );
      assert.equal(stopped.length, 1, JSON.stringify(events));
      const failed = events.filter(
        (e) => e.type === "item.completed" && e.item.type === "mcp_tool_call" && e.item.status === "failed",
      );
      assert.equal(failed.length, 3);
      assert.match(failed[0].item.error.message, /tool_timeout_sec/);
      assert.equal(failed[0].item.result, null);
    } finally {
      await t.close();
    }
  });
});

describe("MCP over streamable HTTP in exec", () => {
  test("server-everything over HTTP: tools offered and called; a missing bearer variable is one warning", async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [EVERYTHING, "streamableHttp"], {
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const t = await e2e({
      responses: [call("c_echo", "mcp__web__echo", { message: "over http" }), { text: "done" }],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let seen = "";
        server.stderr.on("data", (d) => {
          seen += d;
          if (/listening on port/.test(seen)) resolve();
        });
        server.on("exit", () => reject(new Error(`the HTTP server exited: ${seen}`)));
      });
      appendFileSync(
        join(t.ws.home, "config.toml"),
        mcpToml("web", { url: `http://127.0.0.1:${port}/mcp` }) +
          mcpToml("locked", {
            url: `http://127.0.0.1:${port}/mcp`,
            bearer_token_env_var: "NOT_SET_ANYWHERE",
          }),
      );
      const r = await t.run(["exec", "--json", "-m", "sim-model", "echo over http"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(toolReply(t.chatBodies(), "c_echo"), "Echo: over http");
      const events = jsonLines(r.stdout);
      const warnings = events.filter((e) => e.item?.type === "error").map((e) => e.item.message);
      assert.deepEqual(warnings, [
        "MCP server `locked` failed to start: bearer_token_env_var: $NOT_SET_ANYWHERE is not set; continuing without its tools",
      ]);
      const item = events.find((e) => e.type === "item.completed" && e.item.type === "mcp_tool_call").item;
      assert.equal(item.server, "web");
      assert.equal(item.status, "completed");
    } finally {
      server.kill();
      await t.close();
    }
  });
});
