import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { normalizeLine, seekChunk, seekSequence } from "./seek-sequence.ts";

describe("seekSequence", () => {
  const lines = ["a", "b", "c", "a", "b"];

  test("finds an exact match at or after the cursor", () => {
    assert.equal(seekSequence(lines, ["a", "b"], 0), 0);
    assert.equal(seekSequence(lines, ["a", "b"], 1), 3);
    assert.equal(seekSequence(lines, ["x"], 0), -1);
    assert.equal(seekSequence(lines, [], 2), 2);
    assert.equal(seekSequence(["a"], ["a", "b"], 0), -1);
  });

  test("falls back to trailing-whitespace-insensitive, then trimmed comparison", () => {
    assert.equal(seekSequence(["foo   ", "bar\t"], ["foo", "bar"], 0), 0);
    assert.equal(seekSequence(["    foo", "  bar  "], ["foo", "bar"], 0), 0);
  });

  test("an exact match anywhere wins over a lenient match earlier in the file", () => {
    assert.equal(seekSequence(["x  ", "y", "x"], ["x"], 0), 2);
  });

  test("normalises unicode dashes, quotes and odd spaces", () => {
    const file = ["const s = \u201Chello\u201D; // it\u2019s a \u2014 test\u00A0here"];
    assert.equal(seekSequence(file, [`const s = "hello"; // it's a - test here`], 0), 0);
    assert.equal(normalizeLine("  \u2018a\u2019\u2002\u2013\u3000b "), "'a' - b");
  });

  test("with end-of-file only the last position is tried", () => {
    assert.equal(seekSequence(lines, ["a", "b"], 0, true), 3);
    assert.equal(seekSequence(lines, ["b", "c"], 0, true), -1);
  });
});

describe("seekChunk", () => {
  test("retries without a trailing empty line, dropping it from the replacement too", () => {
    const match = seekChunk(["a", "b", "c"], ["b", "c", ""], ["B", "c", ""], 0, false);
    assert.deepEqual(match, { index: 1, length: 2, replacement: ["B", "c"] });
  });

  test("returns null when nothing matches", () => {
    assert.equal(seekChunk(["a"], ["z", ""], ["y", ""], 0, false), null);
    assert.equal(seekChunk(["a"], ["z"], ["y"], 0, false), null);
  });
});
