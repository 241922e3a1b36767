// The text the model receives for a shell call (Codex's `shell_command` plain-text shape):
//   Exit code: N\nWall time: S seconds\n[Total output lines: M\n]Output:\n<text>
// Long output is cut in the middle (head and tail halves kept) so errors at either end stay visible.

/** Characters of command output kept for the model (about 10 KiB, Codex's fallback budget). */
export const MODEL_OUTPUT_LIMIT_CHARS = 10 * 1024;

export interface FormatInput {
  exitCode: number;
  output: string;
  durationMs: number;
  /** Bytes already dropped while capturing (see runCommand). */
  truncatedBytes: number;
  /** Lines of the whole output when known (runCommand counts them); else counted in `output`. */
  totalLines?: number;
}

export function formatShellOutput(input: FormatInput, limit: number = MODEL_OUTPUT_LIMIT_CHARS): string {
  const { head, tail, removed } = truncateMiddle(input.output, limit);
  const truncated = removed > 0 || input.truncatedBytes > 0;
  const lines = [
    `Exit code: ${input.exitCode}`,
    `Wall time: ${(Math.round(input.durationMs / 100) / 10).toFixed(1)} seconds`,
  ];
  if (truncated) lines.push(`Total output lines: ${input.totalLines ?? countLines(input.output)}`);
  lines.push("Output:");
  if (removed === 0) return `${lines.join("\n")}\n${head}`;
  // Capture drops are counted in bytes and added to the characters cut here: an indication for the model,
  // not an exact figure (runCommand's own seam marker, near the middle, is part of what gets cut).
  const marker = `…${removed + input.truncatedBytes} chars truncated…`;
  return `${lines.join("\n")}\n${head}${marker}${tail}`;
}

/** `head` + `tail` is what is kept; when nothing was cut, `head` is the whole string and `tail` is empty. */
export interface Cut {
  head: string;
  tail: string;
  removed: number;
}

/**
 * Keeps about `limit` characters: the first and last halves. Never splits a surrogate pair.
 * `removed` counts code points.
 */
export function truncateMiddle(s: string, limit: number): Cut {
  if (s.length <= limit) return { head: s, tail: "", removed: 0 };
  const half = Math.max(0, Math.floor(limit / 2));
  let headEnd = half;
  if (headEnd > 0 && isHighSurrogate(s.charCodeAt(headEnd - 1))) headEnd--;
  let tailStart = s.length - half;
  if (tailStart < s.length && isLowSurrogate(s.charCodeAt(tailStart))) tailStart++;
  if (tailStart <= headEnd) return { head: s, tail: "", removed: 0 };
  let removed = 0;
  for (let i = headEnd; i < tailStart; i++) if (!isLowSurrogate(s.charCodeAt(i))) removed++;
  return { head: s.slice(0, headEnd), tail: s.slice(tailStart), removed };
}

export function countLines(s: string): number {
  if (s.length === 0) return 0;
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return s.endsWith("\n") ? n : n + 1;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
