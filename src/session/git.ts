// Branch and commit of the working directory, read straight from .git (no subprocess: session start must
// stay fast). Anything unusual (detached worktrees, missing refs) simply leaves the field out.
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { GitInfo } from "./types.ts";

function gitDir(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, ".git");
    try {
      const st = statSync(candidate);
      if (st.isDirectory()) return candidate;
      // A worktree or submodule: `.git` is a file saying `gitdir: <path>`.
      const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(candidate, "utf8"));
      if (match) return resolve(dir, match[1].trim());
    } catch {
      // not here: look in the parent
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function readRef(dir: string, ref: string): string | undefined {
  try {
    return readFileSync(join(dir, ref), "utf8").trim() || undefined;
  } catch {}
  try {
    for (const line of readFileSync(join(dir, "packed-refs"), "utf8").split("\n")) {
      const [hash, name] = line.trim().split(" ");
      if (name === ref) return hash;
    }
  } catch {}
  return undefined;
}

export function gitInfo(cwd: string): GitInfo | undefined {
  const dir = gitDir(cwd);
  if (!dir) return undefined;
  let head: string;
  try {
    head = readFileSync(join(dir, "HEAD"), "utf8").trim();
  } catch {
    return undefined;
  }
  const info: GitInfo = {};
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref) {
    if (ref.startsWith("refs/heads/")) info.branch = ref.slice("refs/heads/".length);
    // Worktrees keep their refs in the common directory.
    let common = dir;
    try {
      common = resolve(dir, readFileSync(join(dir, "commondir"), "utf8").trim());
    } catch {}
    const hash = readRef(dir, ref) ?? readRef(common, ref);
    if (hash && /^[0-9a-f]{40,64}$/.test(hash)) info.commit_hash = hash;
  } else if (/^[0-9a-f]{40,64}$/.test(head)) {
    info.commit_hash = head;
  }
  return info;
}
