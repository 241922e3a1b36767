// Locating a chunk's old lines in a file, with decreasing strictness so that models' small whitespace and
// typography slips (trailing spaces, indentation, typographic dashes and quotes) still apply.

const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F]/g;
const ODD_SPACES = /[\u00A0\u2002-\u200A\u202F\u205F\u3000]/g;

/** Trimmed line with typographic punctuation and unusual spaces replaced by their ASCII counterparts. */
export function normalizeLine(line: string): string {
  return line
    .trim()
    .replace(DASHES, "-")
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(ODD_SPACES, " ");
}

const COMPARATORS: ((a: string, b: string) => boolean)[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
  (a, b) => normalizeLine(a) === normalizeLine(b),
];

/**
 * Index of the first occurrence of `pattern` in `lines` at or after `start`, or -1. Each strictness level
 * is tried over the whole range before the next, looser one. With `endOfFile` only the position where the
 * pattern would end the file is tried. An empty pattern matches at `start`.
 */
export function seekSequence(lines: string[], pattern: string[], start: number, endOfFile = false): number {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return -1;
  const last = lines.length - pattern.length;
  const from = endOfFile ? last : Math.max(0, start);
  for (const same of COMPARATORS) {
    for (let i = from; i <= last; i++) {
      let ok = true;
      for (let j = 0; j < pattern.length; j++) {
        if (!same(lines[i + j], pattern[j])) {
          ok = false;
          break;
        }
      }
      if (ok) return i;
    }
  }
  return -1;
}

export interface ChunkMatch {
  /** Index in `lines` where the matched old lines start. */
  index: number;
  /** How many lines of the file the match covers. */
  length: number;
  /** The lines to put in their place. */
  replacement: string[];
}

/**
 * Finds a chunk's old lines; if they are not found and end with an empty line (often a stray blank line
 * at the end of a chunk), retries without it, dropping a trailing empty new line as well.
 */
export function seekChunk(
  lines: string[],
  oldLines: string[],
  newLines: string[],
  start: number,
  endOfFile: boolean,
): ChunkMatch | null {
  let index = seekSequence(lines, oldLines, start, endOfFile);
  if (index >= 0) return { index, length: oldLines.length, replacement: newLines };
  if (oldLines.length === 0 || oldLines[oldLines.length - 1] !== "") return null;
  const pattern = oldLines.slice(0, -1);
  const replacement =
    newLines.length > 0 && newLines[newLines.length - 1] === "" ? newLines.slice(0, -1) : newLines;
  index = seekSequence(lines, pattern, start, endOfFile);
  return index >= 0 ? { index, length: pattern.length, replacement } : null;
}
