// Temporary homes and git workspaces for end-to-end tests. Everything lives under os.tmpdir() and is removed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface Workspace {
  /** A git repository the agent works in. */
  dir: string;
  /** A fresh CODEX_HOME. */
  home: string;
  /** A private TMPDIR, so `$TMPDIR` as a writable root does not cover the workspace's parent. */
  tmp: string;
  write(path: string, content: string): void;
  cleanup(): void;
}

export function createWorkspace(options: { git?: boolean } = {}): Workspace {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "codex-litellm-test-")));
  const dir = join(base, "work");
  const home = join(base, "home");
  const tmp = join(base, "tmp");
  mkdirSync(dir);
  mkdirSync(home);
  mkdirSync(tmp);
  if (options.git !== false) {
    execFileSync("git", ["init", "-q", dir]);
  }
  return {
    dir,
    home,
    tmp,
    write(path, content) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}
