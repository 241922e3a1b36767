// Parser for Codex's apply_patch grammar, with the same leniencies Codex's own parser has.

/** Every failure of parsing or applying a patch; `message` is meant to be shown to the model verbatim. */
export class PatchError extends Error {
  /** 1-based line of the patch the error refers to, when it is about a specific line. */
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(message);
    this.name = "PatchError";
    if (line !== undefined) this.line = line;
  }
}

export interface UpdateChunk {
  /**
   * Texts of the chunk's `@@ <line>` headers (several when nested, e.g. class then method): each is found in
   * turn, after the previous one, before `oldLines` are searched for. Empty for a bare `@@` or none.
   */
  contexts: string[];
  oldLines: string[];
  newLines: string[];
  /** The chunk ended with `*** End of File`: `oldLines` must match at the end of the file. */
  isEndOfFile: boolean;
}

export type PatchHunk =
  | { type: "add"; path: string; contents: string }
  | { type: "delete"; path: string }
  | { type: "update"; path: string; movePath: string | null; chunks: UpdateChunk[] };

const BEGIN_PATCH = "*** Begin Patch";
const END_PATCH = "*** End Patch";
const ADD_FILE = "*** Add File: ";
const DELETE_FILE = "*** Delete File: ";
const UPDATE_FILE = "*** Update File: ";
const MOVE_TO = "*** Move to: ";
const END_OF_FILE = "*** End of File";
const CONTEXT_PREFIX = "@@ ";
const EMPTY_CONTEXT = "@@";
const HEREDOC_OPENERS = new Set(["<<EOF", "<<'EOF'", '<<"EOF"']);

const VALID_HEADERS = `Valid hunk headers: '${ADD_FILE}{path}', '${DELETE_FILE}{path}', '${UPDATE_FILE}{path}'`;
const EMPTY_CHUNK = "Update hunk does not contain any lines";

/** Parses a whole patch (`*** Begin Patch` … `*** End Patch`) into hunks, in patch order. */
export function parsePatch(text: string): PatchHunk[] {
  const all = text.trim().split(/\r?\n/);
  const lines = stripEnvelope(all);
  const hunks: PatchHunk[] = [];
  // lines[0] is `*** Begin Patch` and lines[end] `*** End Patch`; reported line numbers are 1-based.
  let i = 1;
  const end = lines.length - 1;
  while (i < end) {
    // Leniency beyond Codex: blank lines between hunks are ignored.
    if (lines[i].trim() === "") {
      i++;
      continue;
    }
    const { hunk, consumed } = parseHunk(lines.slice(i, end), i + 1);
    hunks.push(hunk);
    i += consumed;
  }
  return hunks;
}

/** Returns the lines between and including the markers; a `<<EOF` … `EOF` wrapper is removed first. */
function stripEnvelope(lines: string[]): string[] {
  const strictError = checkBoundaries(lines);
  if (!strictError) return lines;
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (lines.length >= 4 && HEREDOC_OPENERS.has(first) && last.endsWith("EOF")) {
    const inner = lines.slice(1, -1);
    const innerError = checkBoundaries(inner);
    if (innerError) throw innerError;
    return inner;
  }
  throw strictError;
}

function checkBoundaries(lines: string[]): PatchError | null {
  const first = lines.length > 0 ? lines[0].trim() : "";
  const last = lines.length > 1 ? lines[lines.length - 1].trim() : "";
  if (first !== BEGIN_PATCH) return new PatchError(`The first line of the patch must be '${BEGIN_PATCH}'`, 1);
  if (last !== END_PATCH)
    return new PatchError(`The last line of the patch must be '${END_PATCH}'`, Math.max(lines.length, 1));
  return null;
}

function parseHunk(lines: string[], lineNo: number): { hunk: PatchHunk; consumed: number } {
  const header = lines[0].trim();
  if (header.startsWith(ADD_FILE)) {
    const path = header.slice(ADD_FILE.length);
    let contents = "";
    let consumed = 1;
    while (consumed < lines.length && lines[consumed].startsWith("+")) {
      contents += lines[consumed].slice(1) + "\n";
      consumed++;
    }
    return { hunk: { type: "add", path, contents }, consumed };
  }
  if (header.startsWith(DELETE_FILE)) {
    return { hunk: { type: "delete", path: header.slice(DELETE_FILE.length) }, consumed: 1 };
  }
  if (header.startsWith(UPDATE_FILE)) {
    const path = header.slice(UPDATE_FILE.length);
    let consumed = 1;
    let movePath: string | null = null;
    const maybeMove = lines.length > 1 ? lines[1].trim() : "";
    if (maybeMove.startsWith(MOVE_TO)) {
      movePath = maybeMove.slice(MOVE_TO.length);
      consumed++;
    }
    const chunks: UpdateChunk[] = [];
    while (consumed < lines.length) {
      const line = lines[consumed];
      if (line.trim() === "") {
        consumed++;
        continue;
      }
      // The next hunk header (or a stray marker) ends this hunk.
      if (line.startsWith("***")) break;
      const parsed = parseChunk(lines.slice(consumed), lineNo + consumed, chunks.length === 0);
      chunks.push(parsed.chunk);
      consumed += parsed.consumed;
    }
    if (chunks.length === 0) throw new PatchError(`Update file hunk for path '${path}' is empty`, lineNo);
    return { hunk: { type: "update", path, movePath, chunks }, consumed };
  }
  throw new PatchError(`'${header}' is not a valid hunk header. ${VALID_HEADERS}`, lineNo);
}

function parseChunk(
  lines: string[],
  lineNo: number,
  allowMissingContext: boolean,
): { chunk: UpdateChunk; consumed: number } {
  const contexts: string[] = [];
  let start = 0;
  const head = lines[0];
  if (head.trimEnd() === EMPTY_CONTEXT) {
    start = 1;
  } else if (head.startsWith(CONTEXT_PREFIX)) {
    contexts.push(head.slice(CONTEXT_PREFIX.length));
    start = 1;
    // Leniency beyond Codex: further `@@ <line>` headers right after the first narrow the location down.
    while (start < lines.length && lines[start].startsWith(CONTEXT_PREFIX)) {
      contexts.push(lines[start].slice(CONTEXT_PREFIX.length));
      start++;
    }
  } else if (!allowMissingContext) {
    throw new PatchError(`Expected update hunk to start with a @@ context marker, got: '${head}'`, lineNo);
  }
  if (start >= lines.length) throw new PatchError(EMPTY_CHUNK, lineNo + start);

  const chunk: UpdateChunk = { contexts, oldLines: [], newLines: [], isEndOfFile: false };
  let body = 0;
  for (const line of lines.slice(start)) {
    if (line.trim() === END_OF_FILE) {
      if (body === 0) throw new PatchError(EMPTY_CHUNK, lineNo + start);
      chunk.isEndOfFile = true;
      body++;
      break;
    }
    const marker = line[0];
    if (line === "") {
      // A bare empty line is an empty context line (editors strip the lone space).
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (marker === " ") {
      chunk.oldLines.push(line.slice(1));
      chunk.newLines.push(line.slice(1));
    } else if (marker === "+") {
      chunk.newLines.push(line.slice(1));
    } else if (marker === "-") {
      chunk.oldLines.push(line.slice(1));
    } else {
      if (body === 0) {
        throw new PatchError(
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
          lineNo + start,
        );
      }
      // Anything else starts the next chunk or hunk.
      break;
    }
    body++;
  }
  return { chunk, consumed: start + body };
}
