// AGENTS.md discovery (Codex semantics, reference/openai-codex.md §1.7).
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const PROJECT_DOC_SEPARATOR = "\n\n--- project-doc ---\n\n";
const GLOBAL_NAMES = ["AGENTS.override.md", "AGENTS.md"];
const PROJECT_NAMES = ["AGENTS.override.md", "AGENTS.md"];

export interface ProjectDocOptions {
  /** Cap on the bytes taken from project docs (0 disables them); the global doc is not counted. */
  maxBytes: number;
  fallbackFilenames?: string[];
  /** Where the global AGENTS.md lives; omitted → no global doc. */
  codexHome?: string;
  /** `project_root_markers`: names whose presence marks the project root (default `.git`; `[]`: cwd only). */
  rootMarkers?: string[];
}

export interface ProjectDocs {
  /** Global doc, then the separator, then project docs root→leaf joined by blank lines; "" when none. */
  text: string;
  /** Absolute paths of the files whose text is included, in order. */
  files: string[];
}

export function loadProjectDocs(cwd: string, opts: ProjectDocOptions): ProjectDocs {
  const files: string[] = [];
  let global: string | undefined;
  if (opts.codexHome) {
    // The first non-empty of AGENTS.override.md, AGENTS.md.
    for (const name of GLOBAL_NAMES) {
      const path = resolve(opts.codexHome, name);
      const text = readText(path)?.trim();
      if (text) {
        global = text;
        files.push(path);
        break;
      }
    }
  }

  const project: string[] = [];
  let remaining = opts.maxBytes;
  if (remaining > 0) {
    for (const path of discoverProjectDocPaths(cwd, opts.fallbackFilenames ?? [], opts.rootMarkers)) {
      if (remaining <= 0) break;
      const data = readBytes(path);
      if (!data) continue;
      const taken = truncateUtf8(data, remaining);
      const text = taken.toString("utf8").trim();
      if (!text) continue;
      remaining -= taken.length;
      project.push(text);
      files.push(path);
    }
  }

  const parts: string[] = [];
  if (global) parts.push(global);
  if (project.length > 0) parts.push(project.join("\n\n"));
  return { text: parts.join(PROJECT_DOC_SEPARATOR), files };
}

/**
 * For each directory from the project root (the nearest ancestor of `cwd`, inclusive, containing one of
 * `rootMarkers`, `.git` by default; without one, just `cwd`) down to `cwd`: the first existing file among
 * AGENTS.override.md, AGENTS.md and the fallback names. At most one file per directory; an existing but empty
 * file still claims its directory.
 */
export function discoverProjectDocPaths(
  cwd: string,
  fallbackFilenames: string[] = [],
  rootMarkers: string[] = [".git"],
): string[] {
  const leaf = resolve(cwd);
  const root = findProjectRoot(leaf, rootMarkers);
  const dirs: string[] = [];
  if (root === undefined) dirs.push(leaf);
  else {
    for (let dir = leaf; ; dir = dirname(dir)) {
      dirs.unshift(dir);
      if (dir === root || dirname(dir) === dir) break;
    }
  }
  const names = [...PROJECT_NAMES, ...fallbackFilenames.filter((n) => !PROJECT_NAMES.includes(n))];
  const out: string[] = [];
  for (const dir of dirs) {
    const found = names.map((n) => join(dir, n)).find(isFile);
    if (found) out.push(found);
  }
  return out;
}

/** The nearest directory at or above `start` that contains `.git` (a directory or, for worktrees, a file). */
export function findGitRoot(start: string): string | undefined {
  return findProjectRoot(start, [".git"]);
}

/** The nearest directory at or above `start` containing one of `markers`; none for an empty list. */
export function findProjectRoot(start: string, markers: string[]): string | undefined {
  if (markers.length === 0) return undefined;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (markers.some((m) => existsSync(join(dir, m)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readBytes(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  return isFile(path) ? readBytes(path)?.toString("utf8") : undefined;
}

/** At most `max` bytes, cut back so no UTF-8 sequence is split. */
function truncateUtf8(data: Buffer, max: number): Buffer {
  if (data.length <= max) return data;
  let end = max;
  while (end > 0 && (data[end] & 0xc0) === 0x80) end--;
  return data.subarray(0, end);
}
