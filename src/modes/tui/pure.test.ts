// The TUI's pure pieces: context formula, Markdown, key decoding, the editor, slash parsing, pickers,
// approvals, and the transcript reducer.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ApprovalRequest } from "../../tools/policy.ts";
import { approvalKey, approvalSubject, approvalSummary } from "./input/approvals.ts";
import { draftRows, editorKey, emptyEditor, insertText, submitted } from "./input/editor.ts";
import { decodeInput, type KeyEvent } from "./input/keys.ts";
import { createPicker, pickerKey } from "./input/picker.ts";
import { parseSlash, slashMatches } from "./input/slash.ts";
import { contextIndicator, contextLeftPercent, contextWindowSummary } from "./render/context.ts";
import { renderMarkdown } from "./render/markdown.ts";
import { linesText, lineText } from "./render/styled.ts";
import { emptyTranscript, reduceTranscript, type TranscriptEvent } from "./state/transcript.ts";

const key = (name: Extract<KeyEvent, { kind: "key" }>["name"]): KeyEvent => ({ kind: "key", name });
const text = (t: string): KeyEvent => ({ kind: "text", text: t });

test("context left: Codex's formula with the 12,000-token baseline and 95% of the window", () => {
  // window 128,000 → effective 121,600; usable 109,600.
  assert.equal(contextLeftPercent(0, 128_000), 100);
  assert.equal(contextLeftPercent(12_000, 128_000), 100);
  assert.equal(contextLeftPercent(12_000 + 54_800, 128_000), 50);
  assert.equal(contextLeftPercent(500_000, 128_000), 0);
  assert.equal(contextLeftPercent(1000, 10_000), 0, "a window below the baseline has nothing left");
  assert.equal(contextLeftPercent(1000, undefined), undefined);
  assert.equal(contextIndicator(23_000, 128_000), "90% context left");
  assert.equal(contextIndicator(2500, undefined), "2.5K used");
  assert.equal(contextWindowSummary(2250, 272_000), "100% left (2.25K used / 272K)");
});

test("markdown: code fences, headings, lists, quotes and inline styles", () => {
  const lines = renderMarkdown(
    "# Title\n\nSome **bold**, *it* and `code`.\n\n\n- a\n2. b\n> q\n```ts\nconst x = 1;\n```",
  );
  assert.deepEqual(lines.map(lineText), [
    "Title",
    "",
    "Some bold, it and code.",
    "",
    "• a",
    "2. b",
    "▌ q",
    "    const x = 1;",
  ]);
  assert.equal(lines[0].spans[0].bold, true);
  const inline = lines[2].spans;
  assert.deepEqual(
    inline.map((s) => [s.text, !!s.bold, !!s.italic, s.color ?? ""]),
    [
      ["Some ", false, false, ""],
      ["bold", true, false, ""],
      [", ", false, false, ""],
      ["it", false, true, ""],
      [" and ", false, false, ""],
      ["code", false, false, "cyan"],
      [".", false, false, ""],
    ],
  );
  assert.equal(lines.at(-1)?.spans[0].color, "cyan");
  // A stream cut inside a fence renders the rest as code; snake_case words are not italic.
  assert.deepEqual(renderMarkdown("```\nfoo_bar_baz").map(lineText), ["    foo_bar_baz"]);
  assert.deepEqual(renderMarkdown("use foo_bar_baz here").map(lineText), ["use foo_bar_baz here"]);
});

test("keys: typed runs ending in Enter, newline keys, arrows, escape and bracketed paste", () => {
  const state = { pasting: false };
  assert.deepEqual(decodeInput("hi\r", state), [text("hi"), key("enter")]);
  assert.deepEqual(decodeInput("\n", state), [key("newline")]);
  assert.deepEqual(decodeInput("\x1b\r", state), [key("newline")]);
  assert.deepEqual(decodeInput("\x1b[A", state), [key("up")]);
  assert.deepEqual(decodeInput("\x1b", state), [key("escape")]);
  assert.deepEqual(decodeInput("\x7f\x03", state), [key("backspace"), key("ctrl-c")]);
  assert.deepEqual(decodeInput("\x1b[200~", state), []);
  assert.deepEqual(decodeInput("line 1\r\nline 2", state), [text("line 1\nline 2")]);
  assert.deepEqual(decodeInput("\x1b[201~", state), []);
  assert.equal(state.pasting, false);
  assert.deepEqual(decodeInput("\x1b[99~x", state), [text("x")], "unknown sequences are dropped");
});

test("composer: the draft wraps to the box, the cursor is an inverse cell, long drafts show a window", () => {
  const short = draftRows({ ...emptyEditor(), text: "hello\nworld", cursor: 8 }, "› ", 40, 5);
  assert.deepEqual(short.map(lineText), ["› hello", "  world"]);
  assert.deepEqual(
    short[1].spans.filter((s) => s.inverse).map((s) => s.text),
    ["r"],
  );
  // A pasted 50 KB line with non-ASCII text: rows of the width, the cursor's row (the end) in view.
  const text = "Erreur : déjà vu à la ligne 42. ".repeat(1_600);
  const rows = draftRows({ ...emptyEditor(), text, cursor: text.length }, "› ", 60, 6);
  assert.equal(rows.length, 6);
  assert.match(lineText(rows[0]), /^ {2}… \d+ rows above$/);
  for (const r of rows) assert.ok(lineText(r).length <= 60, lineText(r));
  assert.ok(
    rows.at(-1)?.spans.some((s) => s.inverse && s.text === " "),
    "the cursor after the text",
  );
  // With the cursor at the top, the window starts there and counts what is below.
  const top = draftRows({ ...emptyEditor(), text, cursor: 0 }, "› ", 60, 6);
  assert.equal(top.length, 6);
  assert.ok(top[0].spans.some((s) => s.inverse));
  assert.match(lineText(top[5]), /^ {2}… \d+ rows below$/);
  // The cursor after a full row moves to the next row instead of vanishing.
  const full = draftRows({ ...emptyEditor(), text: "x".repeat(38), cursor: 38 }, "› ", 40, 5);
  assert.deepEqual(full.map(lineText), [`› ${"x".repeat(38)}`, "   "]);
  // An emoji under the cursor stays whole.
  const emoji = draftRows({ ...emptyEditor(), text: "a🙂b", cursor: 1 }, "› ", 40, 5);
  assert.deepEqual(
    emoji[0].spans.filter((s) => s.inverse).map((s) => s.text),
    ["🙂"],
  );
});

test("editor: an emoji moves and deletes as one character", () => {
  const text = "a🙂b";
  let st = { ...emptyEditor(), text, cursor: text.length };
  st = editorKey(st, key("left"));
  assert.equal(st.cursor, 3);
  st = editorKey(st, key("left"));
  assert.equal(st.cursor, 1, "over both halves of the emoji");
  st = editorKey(st, key("right"));
  assert.equal(st.cursor, 3);
  st = editorKey(st, key("backspace"));
  assert.deepEqual([st.text, st.cursor], ["ab", 1]);
  st = editorKey({ ...st, text, cursor: 1 }, key("delete"));
  assert.deepEqual([st.text, st.cursor], ["ab", 1]);
});

test("editor: multi-line editing and history on the first/last line", () => {
  let e = insertText(emptyEditor(["first", "second"]), "ab");
  e = editorKey(e, key("newline"));
  e = editorKey(e, text("cd"));
  assert.equal(e.text, "ab\ncd");
  e = editorKey(e, key("up"));
  assert.equal(e.cursor, 2, "up moves within the draft first");
  e = editorKey(e, key("up"));
  assert.equal(e.text, "second", "then browses history");
  e = editorKey(e, key("up"));
  assert.equal(e.text, "first");
  e = editorKey(e, key("down"));
  e = editorKey(e, key("down"));
  assert.equal(e.text, "ab\ncd", "down past the newest entry restores the draft");
  e = editorKey(e, key("ctrl-w"));
  assert.equal(e.text, "ab\n");
  e = editorKey(e, key("backspace"));
  assert.equal(e.text, "ab");
  assert.deepEqual(submitted(e, "ab").history, ["first", "second", "ab"]);
  assert.deepEqual(submitted(e, "second").history, ["first", "second"]);
});

test("slash commands: popup matches, parsing, unknown commands and paths", () => {
  assert.deepEqual(
    slashMatches("/").map((c) => c.name),
    [
      "model",
      "approvals",
      "review",
      "new",
      "resume",
      "init",
      "compact",
      "diff",
      "login",
      "status",
      "mcp",
      "quit",
      "exit",
    ],
  );
  assert.deepEqual(
    slashMatches("/st").map((c) => c.name),
    ["status"],
  );
  assert.equal(slashMatches("/status now").length, 0);
  const parsed = parseSlash("/model  ");
  assert.equal(parsed?.kind === "command" && parsed.command.name, "model");
  assert.deepEqual(parseSlash("/frobnicate"), { kind: "unknown", name: "frobnicate" });
  assert.equal(parseSlash("/etc/hosts is broken"), undefined);
  assert.equal(parseSlash("fix /status"), undefined);
});

test("picker: type to filter, arrows wrap, enter picks, esc cancels", () => {
  let p = createPicker({
    title: "t",
    items: ["alpha", "beta", "gamma"].map((v) => ({ label: v, value: v })),
    searchable: true,
  });
  [p] = pickerKey(p, key("up"));
  assert.equal(p.index, 2);
  [p] = pickerKey(p, text("ta"));
  const [, picked] = pickerKey(p, key("enter"));
  assert.deepEqual(picked, { kind: "pick", value: "beta" });
  assert.deepEqual(pickerKey(p, key("escape"))[1], { kind: "cancel" });
});

test("approvals: y, a, and n with feedback; the summary line", () => {
  const request: ApprovalRequest = {
    kind: "command",
    callId: "c",
    command: ["bash", "-lc", "touch x"],
    cwd: "/w",
    reason: "r",
    unsandboxed: false,
  };
  assert.deepEqual(approvalKey(request, { index: 0 }, text("y"))[1], { decision: "yes" });
  assert.deepEqual(approvalKey(request, { index: 0 }, text("a"))[1], { decision: "always" });
  let [view, answer] = approvalKey(request, { index: 0 }, text("n"));
  assert.equal(answer, undefined);
  [view] = approvalKey(request, view, text("use y"));
  [, answer] = approvalKey(request, view, key("enter"));
  assert.deepEqual(answer, { decision: "no", feedback: "use y" });
  assert.deepEqual(approvalKey(request, { index: 0 }, key("escape"))[1], { decision: "no" });
  assert.equal(approvalSummary(request, { decision: "always" }), "✔ approved for this session: touch x");

  // A heredoc is shown by its first lines, the rest counted.
  const script = ["cat > big.txt <<'EOF'", ...Array.from({ length: 40 }, (_, i) => `line ${i}`), "EOF"].join(
    "\n",
  );
  const subject = approvalSubject({ ...request, command: ["bash", "-lc", script] });
  assert.deepEqual(subject.map(lineText), [
    "$ cat > big.txt <<'EOF'",
    "  line 0",
    "  line 1",
    "  line 2",
    "  line 3",
    "  … 37 more lines",
  ]);
  assert.ok(
    subject.slice(0, 5).every((l) => l.truncate),
    "long lines are cut, not wrapped",
  );
});

test("transcript: a stream_reset drops the live answer, so a retried answer is not glued to the void one", () => {
  const events: TranscriptEvent[] = [
    { type: "turn_started", prompt: "hi" },
    { type: "reasoning_delta", delta: "first thoughts" },
    { type: "agent_message_delta", delta: "partial answ" },
    { type: "stream_reset" },
    { type: "agent_message_delta", delta: "whole answer" },
  ];
  const state = events.reduce(reduceTranscript, emptyTranscript());
  assert.deepEqual(state.live, [{ kind: "assistant", text: "whole answer" }]);
});

test("transcript: streams settle into finished cells in order; interrupts mark running commands", () => {
  const usage = {
    input_tokens: 0,
    cached_input_tokens: 0,
    output_tokens: 0,
    reasoning_output_tokens: 0,
    total_tokens: 0,
  };
  const events: TranscriptEvent[] = [
    { type: "turn_started", prompt: "hi" },
    { type: "reasoning_delta", delta: "think" },
    { type: "agent_message_delta", delta: "Hel" },
    { type: "stream_reset" },
    { type: "agent_message_delta", delta: "Hello" },
    { type: "reasoning", text: "thinking hard" },
    { type: "agent_message", text: "Hello there" },
    { type: "exec_command_begin", callId: "1", command: ["ls"], cwd: "/" },
    { type: "exec_command_output_delta", callId: "1", chunk: "a\nb\n" },
  ];
  let state = events.reduce(reduceTranscript, emptyTranscript());
  assert.deepEqual(
    state.done.map((c) => c.kind),
    ["user", "reasoning", "assistant"],
  );
  assert.equal(state.live.length, 1);
  assert.equal(state.live[0].kind === "command" && state.live[0].output, "a\nb\n");
  state = reduceTranscript(state, { type: "turn_aborted", reason: "interrupted", usage });
  const command = state.done.find((c) => c.kind === "command");
  assert.equal(command?.kind === "command" && command.status, "interrupted");
  assert.equal(state.live.length, 0);
  assert.match(linesText([{ spans: [{ text: String(state.done.at(-1)?.kind) }] }]), /notice/);
});

test("markdown: tables with aligned columns, links with their URL, nested and task lists (marked's lexer)", () => {
  const lines = renderMarkdown(
    "| name | n |\n|:-----|--:|\n| **a** | 1 |\n| bee | 22 |\n\nSee [the docs](https://x.dev/d) or <https://y.dev>.\n\n- one\n  - inner\n- [x] done\n- [ ] todo\n\n3) three\n4) four",
  );
  assert.deepEqual(lines.map(lineText), [
    "name │  n",
    "─────┼───",
    "a    │  1",
    "bee  │ 22",
    "",
    "See the docs (https://x.dev/d) or https://y.dev.",
    "",
    "• one",
    "  • inner",
    "☑ done",
    "☐ todo",
    "",
    "3) three",
    "4) four",
  ]);
  assert.equal(lines[0].spans[0].bold, true);
  assert.equal(lines[2].spans[0].bold, true, "inline styles inside cells");
  const link = lines[5].spans.find((s) => s.text === "the docs");
  assert.equal(link?.underline, true);
});
