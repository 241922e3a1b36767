// Start-up pruning of the telemetry directory (seed §7.1): when the regular files directly inside it add up
// to more than `maxTotalBytes`, delete the oldest (by modification time) first, never an active log, until
// the total is within the limit. 0 disables pruning. Sub-directories and symlinks are neither counted nor
// touched. Never throws: a file that cannot be examined or deleted is skipped and reported in `failed`.
import { lstatSync, readdirSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";

export interface PruneResult {
  /** Paths deleted, oldest first. */
  deleted: string[];
  /** Paths that could not be deleted. */
  failed: string[];
  bytesBefore: number;
  bytesAfter: number;
}

interface Entry {
  path: string;
  size: number;
  mtimeMs: number;
}

export function pruneTelemetryDir(dir: string, maxTotalBytes: number, active: Iterable<string>): PruneResult {
  const result: PruneResult = { deleted: [], failed: [], bytesBefore: 0, bytesAfter: 0 };
  if (maxTotalBytes <= 0) return result;
  const keep = new Set([...active].map((p) => resolve(p)));
  const entries: Entry[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return result;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.isFile()) entries.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // Vanished or unreadable: not ours to count.
    }
  }
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  result.bytesBefore = total;
  if (total > maxTotalBytes) {
    const candidates = entries
      .filter((e) => !keep.has(resolve(e.path)))
      .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
    for (const entry of candidates) {
      if (total <= maxTotalBytes) break;
      try {
        unlinkSync(entry.path);
        total -= entry.size;
        result.deleted.push(entry.path);
      } catch {
        result.failed.push(entry.path);
      }
    }
  }
  result.bytesAfter = total;
  return result;
}
