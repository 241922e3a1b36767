import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeJsonControls, mapStrings, printable } from "./terminal-text.ts";

describe("printable", () => {
  test("clean text is returned as is, newlines and tabs included", () => {
    const text = "héllo\n\tworld → 漢字 🎉";
    assert.equal(printable(text), text);
  });

  test("OSC strings (clipboard, title, hyperlinks) go whole, BEL- or ST-terminated, 7- or 8-bit", () => {
    assert.equal(printable("a\x1b]52;c;ZXZpbA==\x07b"), "ab");
    assert.equal(printable("a\x1b]0;title\x1b\\b"), "ab");
    assert.equal(printable("a\x9d0;title\x9cb"), "ab");
    assert.equal(printable("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
    assert.equal(printable("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab", "DCS (sixel)");
  });

  test("CSI sequences go: styles, cursor moves, screen clears, 8-bit CSI", () => {
    assert.equal(printable("\x1b[2J\x1b[H\x1b[31mred\x1b[0m \x1b[?1049h"), "red ");
    assert.equal(printable("\x9b31mred"), "red");
    assert.equal(printable("a\x1bcb\x1b(0c"), "abc", "two-character escapes");
  });

  test("an unterminated string sequence loses its introducer; its payload stays visible", () => {
    assert.equal(printable("x\x1b]52;c;payload"), "x52;c;payload");
    assert.equal(printable("x\x9dpayload"), "xpayload");
  });

  test("controls: backspace, bell, DEL, C1 and bidi overrides go; CR becomes a newline", () => {
    assert.equal(printable("rm -rf /\b\b\b\b\b\b\bls"), "rm -rf /ls");
    assert.equal(printable("a\x07\x7f\x85\x9fb"), "ab");
    assert.equal(printable("a\u202eevil\u202c\u2066x\u2069"), "aevilx");
    assert.equal(printable("one\r\ntwo\rthree"), "one\ntwo\nthree");
  });

  test("hostile input stays linear", () => {
    const started = performance.now();
    printable("\x9d".repeat(200_000) + "\x1b]".repeat(200_000));
    assert.ok(performance.now() - started < 1000);
  });
});

test("escapeJsonControls escapes C1 and bidi controls losslessly", () => {
  const value = { text: "a\x9b31m\u202eb\u2028" };
  const json = escapeJsonControls(JSON.stringify(value));
  assert.doesNotMatch(json, /[\x7f-\x9f\u202a-\u202e\u2028]/);
  assert.deepEqual(JSON.parse(json), value);
  const plain = JSON.stringify({ a: "plain" });
  assert.equal(escapeJsonControls(plain), plain);
});

test("mapStrings copies only what changes", () => {
  const shared = { keep: "same" };
  const value = { a: "x\x07", list: ["ok", "y\x07"], shared, n: 1 };
  const out = mapStrings(value, printable);
  assert.deepEqual(out, { a: "x", list: ["ok", "y"], shared: { keep: "same" }, n: 1 });
  assert.equal(out.shared, shared);
  assert.equal(value.a, "x\x07", "the input is not modified");
  const clean = { a: "b" };
  assert.equal(mapStrings(clean, printable), clean);
});
