// Real bubblewrap, real processes. Skipped (with the reason) where bwrap is missing or cannot create a sandbox;
// CI installs it, so there they run.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type RunOptions, runCommand } from "../shell/run.ts";
import { detectSandbox } from "./detect.ts";
import type { SandboxPolicy } from "./types.ts";

const availability = detectSandbox();
const skip = availability.available ? false : `no usable sandbox: ${availability.reason}`;

const base = realpathSync(mkdtempSync(join(tmpdir(), "bwrap-test-")));
const ws = join(base, "ws");
const tmp = join(base, "tmp");
const sibling = join(base, "sibling");
for (const d of [ws, join(ws, ".git"), tmp, sibling]) mkdirSync(d, { recursive: true });
after(() => rmSync(base, { recursive: true, force: true }));

const workspaceWrite: SandboxPolicy = {
  mode: "workspace-write",
  writableRoots: [ws, tmp],
  readOnlySubpaths: [join(ws, ".git")],
  networkAccess: false,
};
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: base, TMPDIR: tmp };

/** Runs `command` under `policy` as the shell tool does: wrapped, then translated. */
async function wrapped(command: string[], policy = workspaceWrite, opts: Partial<RunOptions> = {}) {
  if (!availability.available) throw new Error("unreachable: the suite is skipped");
  const { backend } = availability;
  const { argv, fds } = backend.wrap(command, ws, policy);
  const r = await runCommand(argv, { cwd: ws, env, fds, timeoutMs: 10_000, ...opts });
  return backend.translate?.(command, r) ?? r;
}

const sandboxed = (script: string, policy = workspaceWrite, opts: Partial<RunOptions> = {}) =>
  wrapped(["bash", "-c", script], policy, opts);

/** Processes (any namespace) whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      const state = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.[0];
      if (cmdline.includes(marker) && state !== "Z") pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

async function eventuallyNone(marker: string, ms = 2000): Promise<number[]> {
  const end = Date.now() + ms;
  let left = processesWith(marker);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    left = processesWith(marker);
  }
  return left;
}

describe("bwrap sandbox", { skip }, () => {
  test("workspace-write: the workspace and $TMPDIR are writable; .git, siblings, / and HOME are not", async () => {
    const r = await sandboxed(
      "touch inside && touch $TMPDIR/t && echo ok; " +
        "for p in .git/config ../sibling/x /etc/codex-x $HOME/x; do touch $p 2>/dev/null && echo WROTE $p; done; " +
        "mv .git moved 2>/dev/null && echo MOVED; true",
    );
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output, "ok\n");
    assert.ok(existsSync(join(ws, "inside")) && existsSync(join(tmp, "t")));
    for (const p of [join(ws, ".git", "config"), join(sibling, "x"), "/etc/codex-x", join(base, "x")])
      assert.equal(existsSync(p), false, p);
    assert.ok(existsSync(join(ws, ".git")));
  });

  test("read-only: nothing is writable, the error is the file system's", async () => {
    const policy: SandboxPolicy = {
      ...workspaceWrite,
      mode: "read-only",
      writableRoots: [],
      readOnlySubpaths: [],
    };
    const r = await sandboxed("touch ro-file", policy);
    assert.equal(r.exitCode, 1);
    assert.match(r.output, /Read-only file system/);
    assert.equal(existsSync(join(ws, "ro-file")), false);
  });

  test("no capabilities, even as root: the read-only mounts cannot be remounted", async () => {
    const r = await sandboxed(
      "grep CapEff /proc/self/status; mount -o remount,rw / 2>/dev/null && echo REMOUNTED",
    );
    assert.match(r.output, /^CapEff:\s+0+\n$/);
  });

  describe("network", () => {
    let server: Server;
    let port = 0;
    before(async () => {
      server = createServer((socket) => socket.end("hello\n"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test("off by default: the host's loopback is unreachable", async () => {
      const r = await sandboxed(`exec 3<>/dev/tcp/127.0.0.1/${port} && echo CONNECTED`);
      assert.notEqual(r.exitCode, 0);
      assert.doesNotMatch(r.output, /CONNECTED/);
    });

    test("on with network_access", async () => {
      const r = await sandboxed(`exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`, {
        ...workspaceWrite,
        networkAccess: true,
      });
      assert.equal(r.exitCode, 0, r.output);
      assert.equal(r.output, "hello\n");
    });
  });

  describe("Unix sockets and io_uring with the network off", () => {
    // Servers like a tmux server, D-Bus, ssh-agent or docker.sock: one outside the writable roots, one in $TMPDIR.
    const paths = [join(sibling, "agent.sock"), join(tmp, "tmux.sock")];
    const servers: Server[] = [];
    let connections = 0;
    before(async () => {
      for (const path of paths) {
        const server = createServer((socket) => {
          connections++;
          socket.end("hello\n");
        });
        await new Promise<void>((resolve) => server.listen(path, resolve));
        servers.push(server);
      }
    });
    after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

    const nodeConnect = (path: string) =>
      `node -e 'require("net").connect(${JSON.stringify(path)}).on("connect",()=>console.log("CONNECTED")).on("error",e=>{console.log(e.code);process.exit(3)})'`;
    const pyConnect = (path: string) =>
      `python3 -c 'import socket; s=socket.socket(socket.AF_UNIX); s.connect(${JSON.stringify(path)}); print("CONNECTED")'`;

    test("no path-named Unix socket can be reached, in read-only or workspace-write", async () => {
      const readOnly: SandboxPolicy = {
        ...workspaceWrite,
        mode: "read-only",
        writableRoots: [],
        readOnlySubpaths: [],
      };
      for (const policy of [workspaceWrite, readOnly]) {
        for (const path of paths) {
          const viaNode = await sandboxed(nodeConnect(path), policy);
          assert.equal(viaNode.exitCode, 3, viaNode.output);
          assert.equal(viaNode.output, "EPERM\n");
          const viaPython = await sandboxed(pyConnect(path), policy);
          assert.notEqual(viaPython.exitCode, 0);
          assert.match(viaPython.output, /PermissionError: \[Errno 1\] Operation not permitted/);
        }
      }
      assert.equal(connections, 0);
      // The same command reaches the socket when the network is on (the user's choice), so the test can fail.
      const open = await sandboxed(nodeConnect(paths[0]), { ...workspaceWrite, networkAccess: true });
      assert.equal(open.output, "CONNECTED\n");
      assert.equal(connections, 1);
      connections = 0;
    });

    test("io_uring_setup and x32 syscalls fail with EPERM; socketpair and the private loopback work", async () => {
      const r = await sandboxed(
        `python3 -c '
import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
print("io_uring", libc.syscall(425, 8, params), ctypes.get_errno())
print("x32", libc.syscall(0x40000000 + 39), ctypes.get_errno())
a, b = socket.socketpair(); a.send(b"x"); print("pair", b.recv(1))
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); c = socket.create_connection(s.getsockname()); print("loopback ok")
'`,
      );
      assert.equal(r.exitCode, 0, r.output);
      assert.equal(r.output, "io_uring -1 1\nx32 -1 1\npair b'x'\nloopback ok\n");
    });

    test("ordinary tools still work under the filter", async () => {
      const r = await sandboxed(
        "git init -q repo && git -C repo status --short && ls repo && node -e 'console.log(6*7)' && " +
          "python3 -c 'import socket; print(socket.getaddrinfo(\"localhost\", 80)[0][0].name)' && id -u >/dev/null && echo ok",
      );
      assert.equal(r.exitCode, 0, r.output);
      assert.match(r.output, /^42\nAF_INET6?\nok\n$/);
    });
  });

  test("the environment passes through as given; exit codes and signals as unsandboxed", async () => {
    const r = await wrapped(["printenv", "ONLY_THIS"], workspaceWrite, { env: { ...env, ONLY_THIS: "v" } });
    assert.equal(r.output, "v\n");
    assert.equal((await sandboxed("exit 7")).exitCode, 7);
    assert.equal((await sandboxed("kill -TERM $$")).exitCode, 143);
    const missing = await wrapped(["no-such-cmd-xyz"]);
    assert.equal(missing.exitCode, 127);
    assert.equal(missing.output, "command not found: no-such-cmd-xyz");
  });

  test("a timeout kills the whole tree, background and setsid children included", async () => {
    const marker = `sleep 4${process.pid % 1000}.${Date.now() % 1000}`;
    const r = await sandboxed(`${marker} & setsid ${marker} & echo started; wait`, workspaceWrite, {
      timeoutMs: 400,
    });
    assert.equal(r.exitCode, 124);
    assert.equal(r.timedOut, true);
    assert.match(r.output, /^command timed out after 400 ms\nstarted\n/);
    assert.deepEqual(await eventuallyNone(marker), []);
  });

  test("abort (Ctrl-C) kills the whole tree; a finished command leaves no background children", async () => {
    const marker = `sleep 5${process.pid % 1000}.${Date.now() % 1000}`;
    const ac = new AbortController();
    let seenRunning = 0;
    setTimeout(() => {
      seenRunning = processesWith(marker).length;
      ac.abort();
    }, 300);
    const r = await sandboxed(`trap '' TERM; ${marker} & wait`, workspaceWrite, { signal: ac.signal });
    assert.equal(r.aborted, true);
    assert.ok(seenRunning > 0, "the marker process was visible while running");
    assert.ok(r.durationMs < 3000);
    assert.deepEqual(await eventuallyNone(marker), []);
    const bg = await sandboxed(`${marker} & echo hi`);
    assert.equal(bg.output, "hi\n");
    assert.deepEqual(await eventuallyNone(marker), []);
  });

  test("huge output is capped while streaming", async () => {
    const total = 200_000_000;
    const r = await sandboxed(`yes | head -c ${total}`);
    assert.equal(r.exitCode, 0);
    assert.equal(r.truncatedBytes, total - 1024 * 1024);
    assert.ok(r.output.length < 1024 * 1024 + 100);
  });
});
