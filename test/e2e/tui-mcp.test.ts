// MCP in the TUI through tmux: `/mcp` lists the servers and their tools, a call is shown with its result, and
// a tool that is not read-only asks for approval under on-request.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EVERYTHING, FILESYSTEM, mcpToml } from "../helpers/mcp.ts";
import { HAVE_TMUX } from "../helpers/terminal.ts";
import { READY, tuiSession } from "../helpers/tui.ts";

const skip = HAVE_TMUX ? false : "tmux is not installed";
const call = (id: string, name: string, args: object) => ({ tool_calls: [{ id, name, arguments: args }] });

test("/mcp lists servers, states and tools; calls are shown; a write asks first", { skip }, async () => {
  const s = await tuiSession({
    responses: [
      call("c_echo", "mcp__everything__echo", { message: "from the tui" }),
      call("c_write", "mcp__fs__write_file", { path: "tui.txt", content: "written" }),
      { text: "All done." },
    ],
  });
  appendFileSync(
    s.config,
    mcpToml("everything", { command: process.execPath, args: [EVERYTHING, "stdio"] }) +
      mcpToml("fs", { command: process.execPath, args: [FILESYSTEM, s.ws.dir] }) +
      mcpToml("broken", { command: "/nonexistent/server" }),
  );
  const term = s.start();
  try {
    await term.waitFor(READY, 20_000);
    // Start-up notices are drawn above the composer, at most a frame later.
    await term.waitFor("MCP server `broken` failed to start");
    await term.submit("/mcp");
    const card = await term.waitFor("Server: fs");
    assert.match(card, /Server: everything \(stdio\)\s+• Status: ready/);
    assert.match(card, /mcp__everything__echo \(read-only\)/);
    assert.match(card, /Server: broken \(stdio\)\s+• Status: failed/);

    await term.submit("use the tools");
    await term.waitFor("Allow this MCP tool call?");
    const asked = term.screen();
    assert.match(asked, /Called everything\.echo\(\{"message":"from the tui"\}\)\s+└ Echo: from the tui/);
    assert.match(asked, /fs\/write_file/);
    term.type("y");
    const done = await term.waitFor("All done.");
    assert.match(done, /Called fs\.write_file/);
    assert.equal(readFileSync(join(s.ws.dir, "tui.txt"), "utf8"), "written");
  } finally {
    term.kill();
    await s.close();
  }
});
