// Applying a parsed patch: every file's new content is computed first; files are written only when every
// hunk matched, and already-written files are restored if a later write fails.
import * as nodePath from "node:path";
import type { FileChange } from "../../protocol/events.ts";
import { PatchError, type PatchHunk, parsePatch, type UpdateChunk } from "./parser.ts";
import {
  describeFsError,
  nodePatchFs,
  type PatchFs,
  PathGuard,
  PathRejectedError,
  type ResolvedPath,
} from "./paths.ts";
import { type ChunkMatch, seekChunk, seekSequence } from "./seek-sequence.ts";

export interface ApplyPatchOptions {
  /** Directory relative patch paths are resolved against. */
  cwd: string;
  /** The only directories files may be written in (resolved and realpath'd before use). */
  writableRoots: string[];
  /** Paths inside the roots that must not be written (`.git`, `.codex`). */
  readOnlyPaths?: string[];
  fs?: PatchFs;
}

export interface ApplyPatchResult {
  changes: FileChange[];
  /** `Success. Updated the following files:` then `A|M|D <path>` lines in patch order. */
  output: string;
  /** Each file operation with the text it read ("" when absent) and wrote ("" when deleted), in patch order. */
  files: AppliedFile[];
}

export interface AppliedFile {
  change: FileChange;
  before: string;
  after: string;
}

/** Parses and applies `patchText`. Throws `PatchError` (nothing written) when anything does not apply. */
export async function applyPatch(patchText: string, opts: ApplyPatchOptions): Promise<ApplyPatchResult> {
  return applyHunks(parsePatch(patchText), opts);
}

/** The changes a parsed patch makes, paths as written in the patch. */
export function describeChanges(hunks: PatchHunk[]): FileChange[] {
  return hunks.map((hunk): FileChange => {
    if (hunk.type !== "update") return { path: hunk.path, kind: hunk.type };
    return hunk.movePath === null
      ? { path: hunk.path, kind: "update" }
      : { path: hunk.path, kind: "update", move_path: hunk.movePath };
  });
}

export async function applyHunks(hunks: PatchHunk[], opts: ApplyPatchOptions): Promise<ApplyPatchResult> {
  if (hunks.length === 0) throw new PatchError("No files were modified.");
  const fs = opts.fs ?? nodePatchFs;
  const guard = await PathGuard.create(opts.cwd, opts.writableRoots, fs, opts.readOnlyPaths);
  const staging = new Staging(fs);
  const summary: string[] = [];
  const changes = describeChanges(hunks);
  const files: AppliedFile[] = [];

  for (const [index, hunk] of hunks.entries()) {
    const change = changes[index];
    if (hunk.type === "add") {
      // Like Codex, an existing file is overwritten.
      const target = await guard.resolve(hunk.path);
      const state = await staging.state(target);
      if (state === "directory") {
        throw new PatchError(`Failed to write file ${hunk.path}: Is a directory`);
      }
      const before = state === "file" ? await staging.read(target).catch(() => "") : "";
      staging.put(target, hunk.contents);
      files.push({ change, before, after: hunk.contents });
      summary.push(`A ${hunk.path}`);
    } else if (hunk.type === "delete") {
      const target = await guard.resolve(hunk.path);
      const state = await staging.state(target);
      if (state !== "file") {
        const reason = state === "missing" ? "No such file or directory" : "Is a directory";
        throw new PatchError(`Failed to delete file ${hunk.path}: ${reason}`);
      }
      const before = await staging.read(target).catch(() => "");
      staging.put(target, null);
      files.push({ change, before, after: "" });
      summary.push(`D ${hunk.path}`);
    } else {
      const source = await guard.resolve(hunk.path);
      const dest = hunk.movePath === null ? null : await guard.resolve(hunk.movePath);
      let original: string;
      try {
        original = await staging.read(source);
      } catch (err) {
        throw new PatchError(`Failed to read file to update ${hunk.path}: ${describeFsError(err)}`);
      }
      const updated = deriveNewContents(original, hunk.chunks, hunk.path);
      if (dest !== null && dest.real !== source.real) {
        staging.put(dest, updated);
        staging.put(source, null);
      } else {
        staging.put(source, updated);
      }
      files.push({ change, before: original, after: updated });
      summary.push(`M ${hunk.movePath ?? hunk.path}`);
    }
  }

  await staging.commit();
  return {
    changes,
    output: `Success. Updated the following files:\n${summary.join("\n")}`,
    files,
  };
}

/**
 * What applying `hunks` would leave in each file, computed like `applyHunks` but writing nothing; undefined when
 * the patch would not apply. Roots are not enforced: the preview is for a prompt that may lift them.
 */
export async function previewHunks(
  hunks: PatchHunk[],
  opts: ApplyPatchOptions,
): Promise<{ path: string; before: string; after: string }[] | undefined> {
  const fs = opts.fs ?? nodePatchFs;
  const writes = new Map<string, string>();
  const dry: PatchFs = {
    ...fs,
    writeFile: async (path, data) => void writes.set(path, data),
    unlink: async (path) => void writes.set(path, ""),
    mkdir: async () => {},
  };
  try {
    await applyHunks(hunks, { ...opts, fs: dry, writableRoots: ["/"], readOnlyPaths: [] });
  } catch {
    return undefined;
  }
  const out: { path: string; before: string; after: string }[] = [];
  for (const [path, after] of writes) {
    const before = await fs.readFile(path).catch(() => "");
    out.push({ path: nodePath.relative(opts.cwd, path) || path, before, after });
  }
  return out;
}

/**
 * The paths of `hunks` (targets and move destinations) that the roots refuse, each with the message the model
 * would get; empty when the patch stays inside. Other resolution problems are left for `applyHunks` to report.
 */
export async function refusedPaths(
  hunks: PatchHunk[],
  opts: ApplyPatchOptions,
): Promise<{ path: string; message: string }[]> {
  const guard = await PathGuard.create(
    opts.cwd,
    opts.writableRoots,
    opts.fs ?? nodePatchFs,
    opts.readOnlyPaths,
  );
  const refused: { path: string; message: string }[] = [];
  for (const hunk of hunks) {
    for (const path of hunk.type === "update" && hunk.movePath !== null
      ? [hunk.path, hunk.movePath]
      : [hunk.path]) {
      try {
        await guard.resolve(path);
      } catch (err) {
        if (err instanceof PathRejectedError && !refused.some((r) => r.path === path))
          refused.push({ path, message: err.message });
      }
    }
  }
  return refused;
}

/**
 * New file content after applying `chunks`. Line endings follow the original (CRLF is kept when every
 * line break is CRLF); the result always ends with a line break.
 */
export function deriveNewContents(original: string, chunks: UpdateChunk[], path: string): string {
  const eol = original.includes("\r\n") && !/(^|[^\r])\n/.test(original) ? "\r\n" : "\n";
  const lines = original.split(eol);
  // The element after the final line break is not a line.
  if (lines[lines.length - 1] === "") lines.pop();

  const matches: ChunkMatch[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    for (const context of chunk.contexts) {
      const at = seekSequence(lines, [context], cursor);
      if (at < 0) throw new PatchError(`Failed to find context '${context}' in ${path}`);
      cursor = at + 1;
    }
    if (chunk.oldLines.length === 0) {
      // Pure additions go at the end of the file (before a final empty line, if any), as in Codex.
      const at = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
      matches.push({ index: at, length: 0, replacement: chunk.newLines });
      continue;
    }
    const match = seekChunk(lines, chunk.oldLines, chunk.newLines, cursor, chunk.isEndOfFile);
    if (match === null) {
      throw new PatchError(`Failed to find expected lines in ${path}:\n${chunk.oldLines.join("\n")}`);
    }
    matches.push(match);
    cursor = match.index + match.length;
  }

  // Bottom-up, so earlier indices stay valid; the sort is stable, so same-index insertions keep their order.
  matches.sort((a, b) => a.index - b.index);
  for (let i = matches.length - 1; i >= 0; i--) {
    const m = matches[i];
    lines.splice(m.index, m.length, ...m.replacement);
  }
  if (lines.length === 0 || lines[lines.length - 1] !== "") lines.push("");
  return lines.join(eol);
}

interface StagedFile {
  target: ResolvedPath;
  /** Content to write, or null to delete. */
  next: string | null;
  /** Content before the patch (null: did not exist; undefined: unknown, cannot be restored). */
  before?: string | null;
}

/** Pending writes keyed by real path, so later hunks see earlier hunks' results. */
class Staging {
  private readonly files = new Map<string, StagedFile>();

  constructor(private readonly fs: PatchFs) {}

  put(target: ResolvedPath, next: string | null): void {
    const staged = this.files.get(target.real);
    if (staged) staged.next = next;
    else this.files.set(target.real, { target, next });
  }

  async state(target: ResolvedPath): Promise<"file" | "directory" | "missing"> {
    const staged = this.files.get(target.real);
    if (staged) return staged.next === null ? "missing" : "file";
    const stat = await this.fs.lstat(target.entry);
    if (stat === null) return "missing";
    if (stat.isDirectory()) return "directory";
    return "file";
  }

  async read(target: ResolvedPath): Promise<string> {
    const staged = this.files.get(target.real);
    if (!staged) return this.fs.readFile(target.real);
    if (staged.next === null) throw Object.assign(new Error("staged for deletion"), { code: "ENOENT" });
    return staged.next;
  }

  async commit(): Promise<void> {
    const files = [...this.files.values()];
    for (const file of files) file.before = await this.snapshot(file.target);
    const done: StagedFile[] = [];
    for (const file of files) {
      const { target, next } = file;
      try {
        if (next === null) {
          if (file.before !== null) await this.fs.unlink(target.entry);
        } else {
          await this.fs.mkdir(nodePath.dirname(target.real));
          await this.fs.writeFile(target.real, next);
        }
      } catch (err) {
        await this.rollback(done.concat(file));
        const action = next === null ? "delete" : "write";
        throw new PatchError(`Failed to ${action} file ${target.display}: ${describeFsError(err)}`);
      }
      done.push(file);
    }
  }

  private async snapshot(target: ResolvedPath): Promise<string | null | undefined> {
    const stat = await this.fs.lstat(target.entry);
    if (stat === null) return null;
    if (!stat.isFile() && !stat.isSymbolicLink()) return undefined;
    return this.fs.readFile(target.real).catch(() => undefined);
  }

  /** Best effort: puts back what `files` held before, newest first. */
  private async rollback(files: StagedFile[]): Promise<void> {
    for (const { target, before } of [...files].reverse()) {
      try {
        if (before === null) {
          if ((await this.fs.lstat(target.entry)) !== null) await this.fs.unlink(target.entry);
        } else if (before !== undefined) {
          await this.fs.mkdir(nodePath.dirname(target.real));
          await this.fs.writeFile(target.real, before);
        }
      } catch {
        // Nothing more can be done; the error being reported already names the failing file.
      }
    }
  }
}
