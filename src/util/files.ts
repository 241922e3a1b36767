// Small file helpers for everything codex-litellm writes under $CODEX_HOME.
import { closeSync, fchmodSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";

/**
 * Whether the file open on `fd` (readable) is empty or ends with "\n". Appenders check it before their first
 * line: a line cut by a full disk or a crash must not have the next record glued onto it.
 */
export function endsWithNewline(fd: number): boolean {
  const st = fstatSync(fd);
  if (!st.isFile() || st.size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, st.size - 1);
  return last[0] === 0x0a;
}

/**
 * Replaces `path` with `data` through `<path>.<pid>.tmp` and a rename, so readers see the old file or the new
 * one, never a part. `mode` is applied exactly (the umask does not narrow it). A failed write (full disk) removes the temporary file and throws.
 */
export function writeFileAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, "w", mode);
    try {
      fchmodSync(fd, mode); // the umask narrowed it
      const buffer = Buffer.from(data, "utf8");
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
