// `review` / `exec review` / `/review`: a code review of uncommitted changes, of the branch against a base, or
// of one commit. The diff goes to the model with review instructions; the run is read-only (no edits).
import { execFileSync } from "node:child_process";
import { UserError } from "../../util/errors.ts";

export interface ReviewTarget {
  /** Staged, unstaged and untracked changes (the default). */
  uncommitted?: boolean;
  base?: string;
  commit?: string;
  /** A commit's title, shown in the prompt. */
  title?: string;
  /** Custom review instructions. */
  prompt?: string;
}

/** Diff text sent at most; the model can run git itself for the rest. */
const MAX_DIFF_CHARS = 200_000;

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: "pipe" });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new UserError(`review: git ${args.join(" ")} failed${stderr ? `: ${stderr.split("\n")[0]}` : ""}`);
  }
}

/** What to review, as a description and the diff. */
export function reviewDiff(cwd: string, target: ReviewTarget): { what: string; diff: string } {
  const chosen = [target.uncommitted, target.base, target.commit].filter(Boolean).length;
  if (chosen > 1) throw new UserError("review: choose one of --uncommitted, --base and --commit", 2);
  if (target.base) {
    const mergeBase = git(cwd, ["merge-base", "HEAD", target.base]).trim();
    return {
      what: `the changes of the current branch against the base branch \`${target.base}\` (merge base ${mergeBase.slice(0, 12)})`,
      diff: git(cwd, ["diff", "--no-color", "--no-ext-diff", mergeBase]),
    };
  }
  if (target.commit) {
    return {
      what: `commit ${target.commit}${target.title ? ` ("${target.title}")` : ""}`,
      diff: git(cwd, ["show", "--no-color", "--no-ext-diff", "--format=commit %H%n%n%B", target.commit]),
    };
  }
  const hasHead = (() => {
    try {
      execFileSync("git", ["rev-parse", "--verify", "-q", "HEAD"], { cwd, stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  let diff = hasHead
    ? git(cwd, ["diff", "--no-color", "--no-ext-diff", "HEAD"])
    : git(cwd, ["diff", "--no-color", "--no-ext-diff", "--cached"]);
  const untracked = git(cwd, ["ls-files", "--others", "--exclude-standard", "-z"])
    .split("\0")
    .filter(Boolean);
  for (const file of untracked) {
    try {
      execFileSync("git", ["diff", "--no-color", "--no-index", "--", "/dev/null", file], {
        cwd,
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (error) {
      // `git diff --no-index` exits 1 when the files differ, which they do: the diff is on stdout.
      diff += String((error as { stdout?: unknown }).stdout ?? "");
    }
  }
  return { what: "the uncommitted changes (staged, unstaged and untracked files)", diff };
}

export function reviewPrompt(what: string, diff: string, instructions?: string): string {
  const cut = diff.length > MAX_DIFF_CHARS;
  return [
    `Review ${what}. You are a careful code reviewer. Do not modify any file: this run is read-only.`,
    "Report only real problems the change introduces (bugs, security issues, broken edge cases, missing " +
      "error handling, misleading names or docs), most important first. For each finding give a priority " +
      "[P0] to [P3], a one-line title, the file and line as `path:line`, and a short explanation. " +
      "You may run read-only commands (git, cat, grep) to see more context. " +
      "If the change looks correct, say so plainly. End with one line: an overall verdict.",
    instructions ? `Additional instructions: ${instructions}` : "",
    `<diff${cut ? ` truncated="true" total_chars="${diff.length}"` : ""}>\n${cut ? diff.slice(0, MAX_DIFF_CHARS) : diff}\n</diff>`,
  ]
    .filter(Boolean)
    .join("\n\n");
}
