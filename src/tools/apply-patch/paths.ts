// Resolving patch paths and refusing any that would write outside the writable roots.
import * as fsp from "node:fs/promises";
import * as nodePath from "node:path";
import { PatchError } from "./parser.ts";

export interface PatchStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** The file system operations apply_patch needs; a seam for tests. Paths given are always absolute. */
export interface PatchFs {
  readFile(path: string): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  /** Creates the directory and any missing parents; no error when it exists. */
  mkdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  realpath(path: string): Promise<string>;
  /** Like lstat(2) (does not follow a final symlink); null when nothing exists at `path`. */
  lstat(path: string): Promise<PatchStat | null>;
}

export const nodePatchFs: PatchFs = {
  readFile: (path) => fsp.readFile(path, "utf8"),
  writeFile: (path, data) => fsp.writeFile(path, data, "utf8"),
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true });
  },
  unlink: (path) => fsp.unlink(path),
  realpath: (path) => fsp.realpath(path),
  lstat: async (path) => {
    try {
      return await fsp.lstat(path);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  },
};

export function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String(err.code) : undefined;
}

function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A patch path after resolution. */
export interface ResolvedPath {
  /** As written in the patch (used in messages and output). */
  display: string;
  /** Every symlink resolved, including a final one: where writes land; used to identify the file. */
  real: string;
  /** Parent resolved, final component kept: what unlink removes (the link itself when it is a symlink). */
  entry: string;
}

/** A path the writable roots (or the read-only paths inside them) refuse; the message tells the model why. */
export class PathRejectedError extends PatchError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves patch paths against `cwd` and enforces that they stay inside the writable roots and outside the
 * read-only paths within them (`.git`, `.codex`).
 */
export class PathGuard {
  private constructor(
    private readonly cwd: string,
    private readonly roots: string[],
    private readonly readOnly: string[],
    private readonly fs: PatchFs,
  ) {}

  static async create(
    cwd: string,
    writableRoots: string[],
    fs: PatchFs,
    readOnlyPaths: string[] = [],
  ): Promise<PathGuard> {
    const real = async (paths: string[]) => {
      const out: string[] = [];
      for (const path of paths) {
        const absolute = nodePath.resolve(cwd, path);
        out.push(await fs.realpath(absolute).catch(() => absolute));
      }
      return out;
    };
    return new PathGuard(nodePath.resolve(cwd), await real(writableRoots), await real(readOnlyPaths), fs);
  }

  async resolve(display: string): Promise<ResolvedPath> {
    if (display.includes("\0"))
      throw new PatchError(`patch rejected: ${JSON.stringify(display)} is not a valid path`);
    const lexical = nodePath.resolve(this.cwd, display);
    const real = await this.realpathDeep(lexical, display);
    this.check(display, lexical, real);
    let entry = real;
    const stat = await this.fs.lstat(lexical);
    if (stat?.isSymbolicLink()) {
      entry = nodePath.join(
        await this.realpathDeep(nodePath.dirname(lexical), display),
        nodePath.basename(lexical),
      );
      this.check(display, lexical, entry);
    }
    return { display, real, entry };
  }

  /** Real path of the deepest existing ancestor, with the components that do not exist yet appended. */
  private async realpathDeep(absolute: string, display: string): Promise<string> {
    const missing: string[] = [];
    let current = absolute;
    for (;;) {
      try {
        const real = await this.fs.realpath(current);
        return missing.length === 0 ? real : nodePath.join(real, ...missing.reverse());
      } catch (err) {
        if (!isMissing(err))
          throw new PatchError(`Failed to resolve path ${display}: ${describeFsError(err)}`);
        // realpath fails on a dangling symlink too; writing through one could land anywhere.
        if ((await this.fs.lstat(current))?.isSymbolicLink()) {
          throw new PatchError(
            `patch rejected: ${display} goes through the symlink ${current}, whose target does not exist; write only inside the workspace`,
          );
        }
      }
      const parent = nodePath.dirname(current);
      if (parent === current) return absolute;
      missing.push(nodePath.basename(current));
      current = parent;
    }
  }

  private check(display: string, lexical: string, resolved: string): void {
    if (this.roots.length === 0) {
      throw new PathRejectedError(
        display,
        `patch rejected: the sandbox is read-only (sandbox_mode = read-only), so no file can be written, ` +
          `${display} included; describe the change instead (the user can rerun with --sandbox workspace-write)`,
      );
    }
    const where = resolved === lexical ? "is" : `resolves to ${resolved}, which is`;
    if (!this.roots.some((root) => isInside(root, resolved))) {
      throw new PathRejectedError(
        display,
        `patch rejected: ${display} ${where} outside the writable roots (${this.roots.join(", ")}); ` +
          "write only inside the workspace",
      );
    }
    const protectedPath = this.readOnly.find((path) => isInside(path, resolved));
    if (protectedPath !== undefined) {
      throw new PathRejectedError(
        display,
        `patch rejected: ${display} ${where} inside ${protectedPath}, which stays read-only in the ` +
          `workspace-write sandbox; leave ${nodePath.basename(protectedPath)} alone and edit other files`,
      );
    }
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = nodePath.relative(root, path);
  return rel === "" || !(rel === ".." || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel));
}

/** Short OS-style reason for a file system error, e.g. "No such file or directory". */
export function describeFsError(err: unknown): string {
  switch (errorCode(err)) {
    case "ENOENT":
      return "No such file or directory";
    case "ENOTDIR":
      return "Not a directory";
    case "EISDIR":
      return "Is a directory";
    case "EACCES":
    case "EPERM":
      return "Permission denied";
    case "EEXIST":
      return "File exists";
    case "EROFS":
      return "Read-only file system";
    case "ENOSPC":
      return "No space left on device";
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
