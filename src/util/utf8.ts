// UTF-8 encoding of request bodies, each character encoded once (TextEncoder.encodeInto into buffers sized up
// front). Buffer.from(text) measures the string twice before writing it, and handing a string to node:http
// costs a length pass, a copy joined with the request head and another encoding pass.

const encoder = new TextEncoder();

/**
 * Collects text written piece by piece as UTF-8, in buffers of `minChunkBytes` (a piece that does not fit
 * gets a buffer of its own size); `end` returns the filled parts in order.
 */
export class Utf8Writer {
  private readonly chunks: Buffer[] = [];
  private buffer = Buffer.alloc(0);
  private used = 0;

  constructor(private readonly minChunkBytes = 0) {}

  write(text: string): void {
    let rest = text;
    for (let attempt = 0; ; attempt++) {
      const { read, written } = encoder.encodeInto(rest, this.buffer.subarray(this.used));
      this.used += written;
      if (read >= rest.length) return;
      rest = rest.slice(read);
      this.flush();
      // A new buffer for what did not fit: one byte per UTF-16 unit first (exact for ASCII), then the most a
      // unit can take (three bytes), so a write takes at most three chunks. encodeInto never splits a character.
      this.buffer = Buffer.allocUnsafe(Math.max(this.minChunkBytes, rest.length * (attempt ? 3 : 1)));
    }
  }

  /** The bytes written so far, in order. */
  end(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  private flush(): void {
    if (this.used) this.chunks.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.alloc(0);
    this.used = 0;
  }
}

/** The UTF-8 bytes of `text` (what Buffer.from(text) gives), in at most two chunks (none for ""). */
export function utf8Chunks(text: string): Buffer[] {
  const writer = new Utf8Writer();
  writer.write(text);
  return writer.end();
}
