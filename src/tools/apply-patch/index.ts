// The `apply_patch` function tool; `runApplyPatch` is also the entry point for patches sent through `shell`.
import * as nodePath from "node:path";
import type { FileChange, PatchFileDiff } from "../../protocol/events.ts";
import type { Tool, ToolContext, ToolResult } from "../types.ts";
import { type AppliedFile, applyHunks, describeChanges, previewHunks, refusedPaths } from "./apply.ts";
import { extractPatchFromShell } from "./intercept.ts";
import { PatchError, type PatchHunk, parsePatch } from "./parser.ts";
import type { PatchFs } from "./paths.ts";

export type { AppliedFile, ApplyPatchOptions, ApplyPatchResult } from "./apply.ts";
export { applyPatch, describeChanges } from "./apply.ts";
export type { ShellPatch } from "./intercept.ts";
export { extractPatchFromShell } from "./intercept.ts";
export type { PatchHunk, UpdateChunk } from "./parser.ts";
export { PatchError, parsePatch } from "./parser.ts";
export type { PatchFs } from "./paths.ts";
export { PathRejectedError } from "./paths.ts";

export const APPLY_PATCH_TOOL_NAME = "apply_patch";

const DESCRIPTION = `Edit files by applying a patch. The patch is plain text in this format:

*** Begin Patch
[one or more file operations]
*** End Patch

Each file operation starts with a header:
*** Add File: <path> — creates a file (an existing one is replaced). Every following line is the file's content prefixed with "+", including empty lines ("+" alone).
*** Delete File: <path> — removes a file. Nothing follows.
*** Update File: <path> — changes a file in place. It may be followed right away by "*** Move to: <new path>" to rename it. Then come one or more change blocks, each starting with "@@" (optionally "@@ <a line of the file>", such as a class or function header, to say where the block is).

In a change block every line starts with one character: " " (unchanged context), "-" (line to remove) or "+" (line to add). Give 3 lines of context above and below each change; if that is not unique in the file, add "@@ <line>" headers (several if needed, e.g. "@@ class Foo" then "@@ def bar():") to narrow it down. A block that must match at the end of the file ends with "*** End of File".

Example:
*** Begin Patch
*** Add File: docs/hello.txt
+Hello, world!
*** Update File: src/app.py
@@ def greet():
-    print("Hi")
+    print("Hello")
*** Delete File: obsolete.txt
*** End Patch

Paths are relative to the working directory (never absolute). Files can only be written inside the workspace.`;

export interface ApplyPatchToolOptions {
  /** File system seam for tests; node:fs/promises by default. */
  fs?: PatchFs;
}

export function createApplyPatchTool(options: ApplyPatchToolOptions = {}): Tool {
  return {
    spec: {
      name: APPLY_PATCH_TOOL_NAME,
      description: DESCRIPTION,
      parameters: {
        type: "object",
        properties: {
          input: {
            type: "string",
            description: "The entire patch, from '*** Begin Patch' to '*** End Patch'.",
          },
        },
        required: ["input"],
        additionalProperties: false,
      },
    },
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
      const input = typeof args.input === "string" ? args.input : args.patch;
      if (typeof input !== "string") {
        return {
          output:
            "apply_patch needs a string argument `input` holding the whole patch ('*** Begin Patch' … '*** End Patch').",
          isError: true,
        };
      }
      return runApplyPatch(input, ctx, { fs: options.fs });
    },
  };
}

export interface RunApplyPatchOptions {
  /** Directory the patch's relative paths are relative to, itself relative to `ctx.cwd`. */
  workdir?: string;
  fs?: PatchFs;
}

/**
 * Parses and applies `patch`, emitting `patch_apply_begin`/`patch_apply_end` for the user. Never throws:
 * failures come back as `isError` results whose output tells the model what did not apply. A patch that
 * does not parse emits no events (there are no changes to show).
 */
export async function runApplyPatch(
  patch: string,
  ctx: ToolContext,
  opts: RunApplyPatchOptions = {},
): Promise<ToolResult> {
  let text = patch;
  let workdir = opts.workdir;
  // Models sometimes pass the shell form (`apply_patch <<'EOF' …`) as the tool input.
  if (/^\s*(?:cd\s|apply_?patch\b)/.test(text)) {
    const shell = extractPatchFromShell(text);
    if (shell) {
      text = shell.patch;
      if (shell.workdir !== undefined)
        workdir = workdir ? nodePath.join(workdir, shell.workdir) : shell.workdir;
    }
  }

  let hunks: PatchHunk[];
  try {
    hunks = parsePatch(text);
  } catch (err) {
    return { output: errorMessage(err), isError: true };
  }
  if (ctx.signal.aborted) return { output: "apply_patch was aborted before it ran", isError: true };

  const changes: FileChange[] = describeChanges(hunks);
  ctx.emit({ type: "patch_apply_begin", callId: ctx.callId, changes });
  const cwd = workdir === undefined ? ctx.cwd : nodePath.resolve(ctx.cwd, workdir);
  let writableRoots = ctx.writableRoots;
  let readOnlyPaths = ctx.readOnlyPaths;
  try {
    if (ctx.approvePatch) {
      const refused = await refusedPaths(hunks, { cwd, writableRoots, readOnlyPaths, fs: opts.fs });
      const verdict = await ctx.approvePatch({
        callId: ctx.callId,
        cwd,
        changes,
        refused,
        signal: ctx.signal,
        preview: () => previewHunks(hunks, { cwd, writableRoots, readOnlyPaths, fs: opts.fs }),
      });
      if (!verdict.allow) {
        ctx.emit({
          type: "patch_apply_end",
          callId: ctx.callId,
          success: false,
          output: verdict.reason,
          changes,
        });
        return { output: verdict.reason, isError: true };
      }
      // The user approved writing where the roots would refuse: this patch applies without them.
      if (verdict.unrestricted) {
        writableRoots = ["/"];
        readOnlyPaths = [];
      }
    }
    // The diff library is needed only here: loaded with the first patch, not with every start (loaded before
    // any file is written, so a failure to load it leaves the files alone).
    const { createTwoFilesPatch } = await import("diff");
    const result = await applyHunks(hunks, { cwd, writableRoots, readOnlyPaths, fs: opts.fs });
    const diffs = result.files.map((file) => fileDiffText(file, createTwoFilesPatch));
    ctx.emit({
      type: "patch_apply_end",
      callId: ctx.callId,
      success: true,
      output: result.output,
      changes,
      diffs,
    });
    return { output: result.output, display: { kind: "patch", files: diffs } };
  } catch (err) {
    const output = errorMessage(err);
    ctx.emit({ type: "patch_apply_end", callId: ctx.callId, success: false, output, changes });
    return { output, isError: true };
  }
}

/** Lines of context around each change in the displayed diff (the TUI's patch cell shows one). */
const DISPLAY_CONTEXT = 1;

function fileDiffText(
  { change, before, after }: AppliedFile,
  createTwoFilesPatch: typeof import("diff").createTwoFilesPatch,
): PatchFileDiff {
  const diff = createTwoFilesPatch(change.path, change.move_path ?? change.path, before, after, "", "", {
    context: DISPLAY_CONTEXT,
  });
  return { ...change, diff };
}

function errorMessage(err: unknown): string {
  if (err instanceof PatchError) return err.message;
  return `apply_patch failed: ${err instanceof Error ? err.message : String(err)}`;
}
