import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { bwrapArgs } from "./bwrap.ts";
import { resolveSandboxPolicy } from "./policy.ts";

const base = realpathSync(mkdtempSync(join(tmpdir(), "sandbox-policy-")));
after(() => rmSync(base, { recursive: true, force: true }));

function dir(...parts: string[]): string {
  const path = join(base, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

/** A $CODEX_HOME outside every root (it need not exist). */
const HOME = join(base, "no-such-codex-home");

describe("resolveSandboxPolicy", () => {
  test("$CODEX_HOME inside a writable root stays read-only; its key files are hidden in every mode", () => {
    const ws = dir("home", "ws");
    const tmp = dir("home", "tmp");
    const input = { cwd: ws, extraRoots: [], networkAccess: false, includeSlashTmp: false, tmpdir: tmp };
    for (const home of [dir("home", "tmp", "codex"), dir("home", "ws", "sub", "codex")]) {
      symlinkSync(home, join(base, "home", `link-${home.length}`));
      // Named through a symlink: the real path is what gets protected.
      const named = join(base, "home", `link-${home.length}`);
      const { policy } = resolveSandboxPolicy({ ...input, mode: "workspace-write", codexHome: named });
      assert.deepEqual(policy.readOnlySubpaths, [home]);
      assert.deepEqual(policy.hiddenPaths, [join(home, ".env"), join(home, "auth.json")]);
      const ro = resolveSandboxPolicy({ ...input, mode: "read-only", codexHome: named }).policy;
      assert.deepEqual(ro.hiddenPaths, [join(home, ".env"), join(home, "auth.json")]);
    }
  });

  test("workspace-write: workspace, $TMPDIR, /tmp and writable_roots, real paths, deduplicated", () => {
    const ws = dir("ww", "ws");
    const tmp = dir("ww", "tmp");
    const extra = dir("ww", "extra");
    symlinkSync(extra, join(base, "ww", "extra-link"));
    const { policy, notices } = resolveSandboxPolicy({
      mode: "workspace-write",
      cwd: ws,
      extraRoots: ["../extra-link", extra, "/no/such/dir"],
      networkAccess: true,
      tmpdir: tmp,
      includeSlashTmp: true,
      codexHome: HOME,
    });
    assert.deepEqual(policy.writableRoots, [ws, tmp, realpathSync("/tmp"), extra]);
    assert.equal(policy.networkAccess, true);
    assert.deepEqual(notices, ["writable root /no/such/dir does not exist or is not a directory; ignored"]);
    const narrow = resolveSandboxPolicy({
      mode: "workspace-write",
      cwd: ws,
      extraRoots: [],
      networkAccess: false,
      includeSlashTmp: false,
      codexHome: HOME,
    });
    assert.deepEqual(narrow.policy.writableRoots, [ws]);
  });

  test(".git (directory, worktree file and its gitdir) and .codex stay read-only", () => {
    const ws = dir("git", "ws");
    dir("git", "ws", ".git");
    dir("git", "ws", ".codex");
    const wt = dir("git", "wt");
    const gitdir = dir("git", "ws", ".git", "worktrees", "wt");
    writeFileSync(join(wt, ".git"), `gitdir: ${gitdir}\n`);
    const { policy } = resolveSandboxPolicy({
      mode: "workspace-write",
      cwd: ws,
      extraRoots: [wt],
      networkAccess: false,
      includeSlashTmp: false,
      codexHome: HOME,
    });
    assert.deepEqual(policy.readOnlySubpaths, [
      join(ws, ".git"),
      join(ws, ".codex"),
      join(wt, ".git"),
      gitdir,
    ]);
  });

  test("read-only has no writable roots and no network; danger-full-access is everything", () => {
    const input = { cwd: base, extraRoots: [], networkAccess: true, includeSlashTmp: true, codexHome: HOME };
    const ro = resolveSandboxPolicy({ ...input, mode: "read-only" }).policy;
    assert.deepEqual(ro, {
      mode: "read-only",
      writableRoots: [],
      readOnlySubpaths: [],
      networkAccess: false,
      hiddenPaths: [join(HOME, ".env"), join(HOME, "auth.json")],
    });
    const full = resolveSandboxPolicy({ ...input, mode: "danger-full-access" }).policy;
    assert.deepEqual(full.writableRoots, ["/"]);
    assert.equal(full.networkAccess, true);
  });
});

describe("bwrapArgs", () => {
  test("read-only root, private /dev, roots shallowest first, protected paths after them, then namespaces", () => {
    const args = bwrapArgs(["ls", "-l"], "/w/ws", {
      mode: "workspace-write",
      writableRoots: ["/w/ws", "/tmp", "/w"],
      readOnlySubpaths: ["/w/ws/.git"],
      networkAccess: false,
    });
    assert.deepEqual(args, [
      "--new-session",
      "--die-with-parent",
      "--cap-drop",
      "ALL",
      "--ro-bind",
      "/",
      "/",
      "--dev",
      "/dev",
      "--bind",
      "/tmp",
      "/tmp",
      "--bind",
      "/w",
      "/w",
      "--bind",
      "/w/ws",
      "/w/ws",
      "--ro-bind",
      "/w/ws/.git",
      "/w/ws/.git",
      "--unshare-pid",
      "--unshare-net",
      "--seccomp",
      "3",
      "--proc",
      "/proc",
      "--chdir",
      "/w/ws",
      "--",
      "ls",
      "-l",
    ]);
    const open = bwrapArgs(
      ["true"],
      "/",
      { mode: "workspace-write", writableRoots: [], readOnlySubpaths: [], networkAccess: true },
      { mountProc: false },
    );
    assert.ok(!open.includes("--unshare-net") && !open.includes("--seccomp") && !open.includes("--proc"));
    // Without a fresh /proc, the host's (with the agent's environment in /proc/<pid>/environ) is covered.
    assert.deepEqual(open.slice(open.indexOf("--tmpfs"), open.indexOf("--chdir")), [
      "--tmpfs",
      "/proc",
      "--remount-ro",
      "/proc",
    ]);
  });
});
