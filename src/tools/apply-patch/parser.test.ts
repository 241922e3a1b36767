import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PatchError, parsePatch } from "./parser.ts";

const wrap = (body: string) => `*** Begin Patch\n${body}\n*** End Patch`;

function parseError(text: string): PatchError {
  try {
    parsePatch(text);
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected PatchError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected parsePatch to throw");
}

describe("parsePatch", () => {
  test("parses add, delete and update-with-move hunks in order", () => {
    const hunks = parsePatch(
      wrap(
        [
          "*** Add File: new.txt",
          "+hello",
          "+",
          "+world",
          "*** Delete File: old.txt",
          "*** Update File: src/a.py",
          "*** Move to: src/b.py",
          "@@ def f():",
          "-    return 1",
          "+    return 2",
        ].join("\n"),
      ),
    );
    assert.deepEqual(hunks, [
      { type: "add", path: "new.txt", contents: "hello\n\nworld\n" },
      { type: "delete", path: "old.txt" },
      {
        type: "update",
        path: "src/a.py",
        movePath: "src/b.py",
        chunks: [
          {
            contexts: ["def f():"],
            oldLines: ["    return 1"],
            newLines: ["    return 2"],
            isEndOfFile: false,
          },
        ],
      },
    ]);
  });

  test("the first chunk may omit @@; later chunks start at each @@ line", () => {
    const [hunk] = parsePatch(
      wrap("*** Update File: f\n a\n-b\n+B\n@@\n c\n-d\n@@ ctx\n+e\n*** End of File"),
    );
    assert.equal(hunk.type, "update");
    assert.deepEqual(hunk.type === "update" ? hunk.chunks : null, [
      { contexts: [], oldLines: ["a", "b"], newLines: ["a", "B"], isEndOfFile: false },
      { contexts: [], oldLines: ["c", "d"], newLines: ["c"], isEndOfFile: false },
      { contexts: ["ctx"], oldLines: [], newLines: ["e"], isEndOfFile: true },
    ]);
  });

  test("consecutive @@ headers give nested contexts", () => {
    const [hunk] = parsePatch(wrap("*** Update File: f\n@@ class A\n@@   def f():\n-x\n+y"));
    assert.ok(hunk.type === "update");
    assert.deepEqual(hunk.chunks[0].contexts, ["class A", "  def f():"]);
  });

  test("an empty line inside a chunk is an empty context line", () => {
    const [hunk] = parsePatch(wrap("*** Update File: f\n@@\n a\n\n-b\n+c\n@@\n-x\n+y\n\n\n  \n@@\n-z\n+w"));
    assert.ok(hunk.type === "update");
    assert.deepEqual(hunk.chunks[0].oldLines, ["a", "", "b"]);
    assert.deepEqual(hunk.chunks[0].newLines, ["a", "", "c"]);
    // Lines after "+y" belong to the second chunk: empty ones as empty context, "  " as context " ".
    assert.deepEqual(hunk.chunks[1].oldLines, ["x", "", "", " "]);
    assert.deepEqual(hunk.chunks[2].oldLines, ["z"]);
    assert.equal(hunk.chunks.length, 3);
  });

  test("whole patch trimmed, marker lines and hunk headers compared after trimming, CRLF accepted", () => {
    const text =
      "\n\n  *** Begin Patch  \r\n   *** Delete File: a.txt   \r\n*** Add File: b.txt\r\n+x\r\n *** End Patch \n\n";
    assert.deepEqual(parsePatch(text), [
      { type: "delete", path: "a.txt" },
      { type: "add", path: "b.txt", contents: "x\n" },
    ]);
  });

  test("blank lines between hunks and after an end-of-file chunk are skipped", () => {
    const hunks = parsePatch(
      wrap("*** Delete File: a\n\n*** Update File: b\n-x\n*** End of File\n\n  \n@@\n-y"),
    );
    const update = hunks[1];
    assert.ok(update.type === "update");
    assert.equal(update.chunks.length, 2);
    assert.deepEqual(update.chunks[1].oldLines, ["y"]);
  });

  for (const opener of ["<<EOF", "<<'EOF'", '<<"EOF"']) {
    test(`accepts a patch wrapped in a heredoc opened by ${opener}`, () => {
      const hunks = parsePatch(`${opener}\n*** Begin Patch\n*** Add File: a\n+1\n*** End Patch\nEOF\n`);
      assert.deepEqual(hunks, [{ type: "add", path: "a", contents: "1\n" }]);
    });
  }

  test("a heredoc wrapper around an invalid patch reports the inner error", () => {
    const err = parseError("<<'EOF'\n*** Begin Patch\n*** Add File: a\n+1\nEOF");
    assert.equal(err.message, "The last line of the patch must be '*** End Patch'");
  });

  test("error: first line is not *** Begin Patch", () => {
    assert.equal(
      parseError("*** Add File: a\n+1\n*** End Patch").message,
      "The first line of the patch must be '*** Begin Patch'",
    );
    assert.equal(parseError("").message, "The first line of the patch must be '*** Begin Patch'");
  });

  test("error: last line is not *** End Patch", () => {
    assert.equal(
      parseError("*** Begin Patch\n*** Add File: a\n+1").message,
      "The last line of the patch must be '*** End Patch'",
    );
    assert.equal(parseError("*** Begin Patch").message, "The last line of the patch must be '*** End Patch'");
  });

  test("error: invalid hunk header, with its line number", () => {
    const err = parseError(wrap("*** Frobnicate File: foo"));
    assert.equal(
      err.message,
      "'*** Frobnicate File: foo' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    );
    assert.equal(err.line, 2);
  });

  test("add-file lines stop at the first line without '+'", () => {
    const err = parseError(wrap("*** Add File: a\n+ok\nnot plus"));
    assert.match(err.message, /^'not plus' is not a valid hunk header/);
    assert.equal(err.line, 4);
  });

  test("error: update hunk with no chunks", () => {
    assert.equal(
      parseError(wrap("*** Update File: test.py")).message,
      "Update file hunk for path 'test.py' is empty",
    );
    assert.equal(
      parseError(wrap("*** Update File: a\n*** Move to: b\n\n*** Delete File: c")).message,
      "Update file hunk for path 'a' is empty",
    );
  });

  test("error: chunk without any lines", () => {
    assert.equal(
      parseError(wrap("*** Update File: a\n@@")).message,
      "Update hunk does not contain any lines",
    );
    assert.equal(
      parseError(wrap("*** Update File: a\n@@ x\n*** End of File")).message,
      "Update hunk does not contain any lines",
    );
  });

  test("error: a later chunk must start with @@", () => {
    // "bad" ends the first chunk; as the start of a second chunk it lacks the @@ marker.
    const err = parseError(wrap("*** Update File: a\n@@\n-x\n+y\nbad"));
    assert.equal(err.message, "Expected update hunk to start with a @@ context marker, got: 'bad'");
  });

  test("error: unexpected first line of a chunk", () => {
    const err = parseError(wrap("*** Update File: a\n@@\nbad line"));
    assert.equal(
      err.message,
      "Unexpected line found in update hunk: 'bad line'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    );
  });

  test("a patch with no hunks parses to an empty list", () => {
    assert.deepEqual(parsePatch("*** Begin Patch\n*** End Patch"), []);
  });
});
