// Diffs the user sees: the change a patch made (the diff `patch_apply_end` carries, computed by apply_patch
// from the text it read and wrote) and `/diff`, the workspace's git diff including untracked files.
import { execFile } from "node:child_process";
import { parsePatch, type StructuredPatchHunk, structuredPatch } from "diff";
import type { PatchFileDiff } from "../../../protocol/events.ts";
import { line, plain, type StyledLine, span, truncated } from "./styled.ts";

/** Diff lines shown per file in a patch cell. */
const MAX_PATCH_LINES = 40;

export interface FileDiff {
  /** The file's path after the patch (the move target for a rename). */
  path: string;
  added: number;
  removed: number;
  /** Numbered, coloured hunk lines (at most MAX_PATCH_LINES, then a "… +N lines" line). */
  lines: StyledLine[];
}

/** Numbered, coloured hunks between two versions of a file, at most `maxLines` of them. */
export function fileDiff(
  path: string,
  newPath: string,
  old: string,
  now: string,
  maxLines = MAX_PATCH_LINES,
): FileDiff {
  const patch = structuredPatch(path, newPath, old, now, "", "", { context: 1 });
  return hunksDiff(newPath, patch.hunks, maxLines);
}

/** The patch cell's view of a diff `patch_apply_end` carries: the hunks as apply_patch computed them. */
export function appliedDiff(change: PatchFileDiff, maxLines = MAX_PATCH_LINES): FileDiff {
  const hunks = parsePatch(change.diff)[0]?.hunks ?? [];
  return hunksDiff(change.move_path ?? change.path, hunks, maxLines);
}

function hunksDiff(newPath: string, hunks: StructuredPatchHunk[], maxLines: number): FileDiff {
  const lines: StyledLine[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    if (lines.length > 0) lines.push(plain("⋮", { dim: true }));
    for (const l of hunk.lines) {
      if (l.startsWith("\\")) continue;
      const text = l.slice(1);
      if (l[0] === "+") {
        added++;
        lines.push(
          truncated(
            line(
              span(`${String(newNo++).padStart(4)} `, { dim: true }),
              span(`+${text}`, { color: "green" }),
            ),
          ),
        );
      } else if (l[0] === "-") {
        removed++;
        lines.push(
          truncated(
            line(span(`${String(oldNo++).padStart(4)} `, { dim: true }), span(`-${text}`, { color: "red" })),
          ),
        );
      } else {
        oldNo++;
        lines.push(
          truncated(
            line(span(`${String(newNo++).padStart(4)} `, { dim: true }), span(` ${text}`, { dim: true })),
          ),
        );
      }
    }
  }
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines) shown.push(plain(`… +${lines.length - maxLines} lines`, { dim: true }));
  return { path: newPath, added, removed, lines: shown };
}

/** Unified diff text coloured line by line. */
export function colorDiff(text: string): StyledLine[] {
  return text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => {
      if (/^(diff --git|index |--- |\+\+\+ |new file mode|deleted file mode)/.test(l))
        return truncated(plain(l, { bold: true }));
      if (l.startsWith("@@")) return truncated(plain(l, { color: "cyan" }));
      if (l.startsWith("+")) return truncated(plain(l, { color: "green" }));
      if (l.startsWith("-")) return truncated(plain(l, { color: "red" }));
      return truncated(plain(l));
    });
}

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile("git", args, { cwd, maxBuffer: 32 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 127) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export type WorkspaceDiff = { ok: true; text: string } | { ok: false; message: string };

/** `git diff` of tracked files plus every untracked file as an addition (Codex's `/diff`). */
export async function workspaceDiff(cwd: string): Promise<WorkspaceDiff> {
  const inside = await git(cwd, ["rev-parse", "--is-inside-work-tree"]);
  if (inside.code !== 0 || inside.stdout.trim() !== "true")
    return { ok: false, message: "`/diff` — not inside a git repository" };
  const tracked = await git(cwd, ["-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff"]);
  if (tracked.code !== 0) return { ok: false, message: `git diff failed: ${tracked.stderr.trim()}` };
  let text = tracked.stdout;
  const untracked = await git(cwd, ["ls-files", "--others", "--exclude-standard", "-z"]);
  for (const file of untracked.stdout.split("\0").filter(Boolean)) {
    // Exit code 1 means "files differ", which is the point here.
    const added = await git(cwd, ["diff", "--no-color", "--no-index", "--", "/dev/null", file]);
    text += added.stdout;
  }
  return { ok: true, text };
}
