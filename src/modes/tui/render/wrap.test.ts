import assert from "node:assert/strict";
import { test } from "node:test";
import stringWidth from "string-width";
import { cellLines } from "./cells.ts";
import { renderMarkdown } from "./markdown.ts";
import { line, lineText, plain, span, truncated } from "./styled.ts";
import { rowsText, textWidth, wrapLine, wrapLines } from "./wrap.ts";

const texts = (rows: ReturnType<typeof wrapLines>) => rows.map(lineText);

test("words wrap at the width; continuation rows keep the bullet's hanging indent", () => {
  const rows = wrapLine(line(span("• ", { bold: true }), "the quick brown fox jumps over the lazy dog"), 20);
  assert.deepEqual(texts(rows), ["• the quick brown ", "  fox jumps over the", "  lazy dog"]);
  // The bullet keeps its style; the text spans keep theirs.
  assert.equal(rows[0].spans[0].bold, true);
  assert.equal(rows[1].spans[0].text, "  ");
});

test("list markers and numbers hang too; short ASCII lines are returned as they are", () => {
  assert.deepEqual(texts(wrapLine(plain("  12. alpha beta gamma delta"), 16)), [
    "  12. alpha beta",
    "      gamma ",
    "      delta",
  ]);
  const short = plain("fits");
  assert.equal(wrapLine(short, 10)[0], short);
});

test("words longer than a row break inside; wide characters count two columns", () => {
  assert.deepEqual(texts(wrapLine(plain("abcdefghijklmnopqrstuvwxyz"), 10)), [
    "abcdefghij",
    "klmnopqrst",
    "uvwxyz",
  ]);
  const cjk = wrapLine(plain("中文字符测试宽字符"), 7);
  for (const r of cjk) assert.ok(textWidth(lineText(r)) <= 7, lineText(r));
  assert.equal(texts(cjk).join(""), "中文字符测试宽字符");
  assert.equal(textWidth("中文"), 4);
});

test("truncated lines are cut with an ellipsis instead of wrapped", () => {
  const rows = wrapLine(truncated(line(span("  │ ", { dim: true }), "0123456789abcdef")), 10);
  assert.equal(rows.length, 1);
  assert.equal(lineText(rows[0]), "  │ 01234…");
  assert.equal(textWidth(lineText(rows[0])), 10);
});

test("tabs become four columns; no row is ever wider than the terminal", () => {
  assert.deepEqual(texts(wrapLine(plain("a\tb"), 10)), ["a    b"]);
  const words = ["a", "longerword", "中文", "é", "🙂", "x".repeat(30), "  ", "\t"];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  for (let round = 0; round < 200; round++) {
    const text = Array.from({ length: 1 + (next() % 40) }, () => words[next() % words.length]).join(" ");
    const width = 4 + (next() % 40);
    const rows = wrapLines(cellLines({ kind: "assistant", text: `- ${text}` }), width);
    for (const r of rows)
      assert.ok(textWidth(lineText(r)) <= width, `${width}: ${JSON.stringify(lineText(r))}`);
    // Nothing but spaces is lost or added.
    const flat = (s: string) => s.replace(/\s+/g, "");
    assert.equal(flat(texts(rows).join("")), flat(`•• ${text}`.replace(/\t/g, "")));
  }
});

test("a 540 KB answer in one line wraps into rows of the width, in one pass", () => {
  const answer = "The quick brown fox jumps over the lazy dog. ".repeat(12_000);
  const rows = wrapLines(cellLines({ kind: "assistant", text: answer }), 120);
  assert.ok(rows.length > 4_000);
  for (const r of rows) assert.ok(lineText(r).length <= 120);
  assert.equal(texts(rows).join("").replace(/\s+/g, ""), `•${answer}`.replace(/\s+/g, ""));
});

test("rows become one string, a row a line; Markdown styles survive wrapping", () => {
  const rows = wrapLines(renderMarkdown("**bold words** and `code` here"), 12);
  assert.deepEqual(texts(rows), ["bold words ", "and code ", "here"]);
  assert.equal(rows[0].spans[0].bold, true);
  assert.equal(rows[1].spans.find((s) => s.text === "code")?.color, "cyan");
  assert.equal(rowsText([plain("a"), plain(""), plain("b")]).replace(/\u001b\[[0-9;]*m/g, ""), "a\n\nb");
});

test("widths agree with string-width: every BMP code point alone, and mixed text", () => {
  const disagree: string[] = [];
  for (let code = 0x20; code < 0x10000; code++) {
    if (code >= 0xd800 && code < 0xe000) continue;
    const ch = String.fromCharCode(code);
    if (textWidth(ch) !== stringWidth(ch)) disagree.push(code.toString(16));
  }
  assert.deepEqual(disagree.slice(0, 20), []);
  for (const text of [
    "déjà vu",
    "中文 and ASCII",
    "e\u0301t\u0301e",
    "🙂 ok",
    "❤️ love",
    "👩‍💻 dev",
    "한국어",
    "ｆｕｌｌ",
  ])
    assert.equal(textWidth(text), stringWidth(text), text);
});

test("a long line of wide characters wraps into rows of the width without measuring it whole", () => {
  const text = "中文字符测试，这是一段很长的中文文本。".repeat(5_000);
  const rows = wrapLines(cellLines({ kind: "assistant", text }), 120);
  for (const r of rows) assert.ok(textWidth(lineText(r)) <= 120);
  assert.ok(rows.filter((r) => textWidth(lineText(r)) >= 119).length > rows.length - 2, "rows are filled");
  assert.equal(texts(rows).join("").replace(/\s+/g, ""), `•${text}`);
});

test("a word spanning several styles wraps as one word; deep indents do not hang", () => {
  assert.deepEqual(texts(wrapLine(line("abc ", span("def", { bold: true }), "ghi jkl"), 8)), [
    "abc ",
    "defghi ",
    "jkl",
  ]);
  assert.deepEqual(texts(wrapLine(plain("      • alpha beta gamma delta"), 10)), [
    "      • ",
    "alpha beta",
    "gamma ",
    "delta",
  ]);
});

test("escape sequences, tabs and control characters never reach the terminal raw", () => {
  const rows = wrapLine(truncated(plain("\tall:\t\u001b[31mred\u001b[0m and more text here\u0007")), 20);
  assert.deepEqual(texts(rows), ["    all:    red and…"]);
  assert.equal(textWidth(lineText(rows[0])), 20);
  assert.deepEqual(texts(wrapLine(plain("a\u001b[2Jb\rc"), 10)), ["abc"]);
  // A long output line with an emoji (measured by string-width's slow path) is cut character by character.
  const long = wrapLine(truncated(plain(`🙂 ${"é".repeat(100_000)}`)), 12);
  assert.deepEqual(texts(long), [`🙂 ${"é".repeat(8)}…`]);
});
