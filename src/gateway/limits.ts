// Limits on what an untrusted gateway can make us hold or wait for: one SSE event, one response, one request's
// duration (provider keys `stream_max_event_bytes`, `response_max_bytes`, `request_max_duration_ms`; defaults in
// src/config/provider.ts). A limit reached ends the attempt with a LimitError, which is not retried: the same
// request would most likely meet the same answer, and each attempt may cost the whole limit again.

export type LimitKey = "stream_max_event_bytes" | "response_max_bytes" | "request_max_duration_ms";

export class LimitError extends Error {
  constructor(
    readonly key: LimitKey,
    readonly limit: number,
  ) {
    super(
      key === "stream_max_event_bytes"
        ? `one event of the gateway's stream exceeded ${formatBytes(limit)}`
        : key === "response_max_bytes"
          ? `the gateway's response exceeded ${formatBytes(limit)}`
          : `the gateway's response took longer than ${limit} ms`,
    );
  }
}

/** `16 MiB`, `64 KiB`, `195.3 KiB`, `900 bytes`. */
export function formatBytes(n: number): string {
  const unit = n >= 1024 * 1024 ? ["MiB", 1024 * 1024] : n >= 1024 ? ["KiB", 1024] : undefined;
  if (!unit) return `${n} bytes`;
  return `${Number((n / (unit[1] as number)).toFixed(1))} ${unit[0]}`;
}

const LF_LF = Buffer.from("\n\n");
const LF_CR_LF = Buffer.from("\n\r\n");
const CR_CR = Buffer.from("\r\r");
const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts a streamed body's bytes, in total and since the last event boundary (a blank line), as raw network
 * reads arrive. Per read: one backward search for the boundary, usually ending near the read's end. Counting
 * from the last boundary may overcount (a read ending in a boundary written another way), never undercount.
 */
export class SseSizeGuard {
  private total = 0;
  private pending = 0;
  private last = -1;

  constructor(
    private readonly maxEventBytes: number,
    private readonly maxTotalBytes: number,
  ) {}

  /** Throws a LimitError when `chunk` takes the response or the current event past its limit. */
  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.maxTotalBytes) throw new LimitError("response_max_bytes", this.maxTotalBytes);
    const end = boundaryEnd(chunk, this.last);
    this.pending = end < 0 ? this.pending + chunk.length : chunk.length - end;
    if (chunk.length) this.last = chunk[chunk.length - 1];
    if (this.pending > this.maxEventBytes) throw new LimitError("stream_max_event_bytes", this.maxEventBytes);
  }
}

/** Index just after the last blank line in `chunk` (one split across reads included), or -1. */
function boundaryEnd(chunk: Buffer, previous: number): number {
  let at = chunk.lastIndexOf(LF_LF);
  if (at >= 0) return at + 2;
  at = chunk.lastIndexOf(LF_CR_LF);
  if (at >= 0) return at + 3;
  at = chunk.lastIndexOf(CR_CR);
  if (at >= 0) return at + 2;
  if (previous === LF && chunk[0] === LF) return 1;
  if (previous === LF && chunk[0] === CR && chunk[1] === LF) return 2;
  if (previous === CR && chunk[0] === CR) return 1;
  return -1;
}
