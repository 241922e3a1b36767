// The encoders must give exactly Buffer.from's bytes, however the text is cut into writes and chunks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Utf8Writer, utf8Chunks } from "./utf8.ts";

// Non-ASCII of two, three and four bytes, and lone surrogates (U+FFFD either way).
const PIECES = ["a", "é", "→", "🙂", "\ud800", "\udc00"];

test("utf8Chunks: every string of up to five pieces, so each character meets the end of the first chunk", () => {
  let strings = [""];
  assert.deepEqual(utf8Chunks(""), []);
  for (let n = 1; n <= 5; n++) {
    strings = strings.flatMap((s) => PIECES.map((p) => s + p));
    for (const s of strings) {
      const chunks = utf8Chunks(s);
      assert.ok(chunks.length <= 2);
      assert.deepEqual(Buffer.concat(chunks), Buffer.from(s, "utf8"), JSON.stringify(s));
    }
  }
});

test("utf8Chunks: ASCII text is one exact chunk", () => {
  const ascii = `{"a":"${"x".repeat(100_000)}"}`;
  const chunks = utf8Chunks(ascii);
  assert.equal(chunks.length, 1);
  assert.deepEqual(chunks[0], Buffer.from(ascii));
  const mixed = `${"x".repeat(50_000)}→🙂${"y".repeat(50_000)}`;
  assert.deepEqual(Buffer.concat(utf8Chunks(mixed)), Buffer.from(mixed));
});

test("Utf8Writer: pieces written one by one give the bytes of their concatenation, for any chunk size", () => {
  const pieces: string[] = [];
  for (let i = 0; i < 300; i++) pieces.push(PIECES[i % PIECES.length].repeat(i % 7), `${i}`, "");
  const whole = Buffer.from(pieces.join(""));
  for (const min of [0, 1, 3, 4, 7, 64, 1 << 20]) {
    const writer = new Utf8Writer(min);
    for (const p of pieces) writer.write(p);
    const chunks = writer.end();
    assert.deepEqual(Buffer.concat(chunks), whole, `chunks of at least ${min} bytes`);
    assert.ok(chunks.every((c) => c.length > 0));
    if (min === 1 << 20) assert.equal(chunks.length, 1);
  }
});
