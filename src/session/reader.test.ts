// Reading a rollout from its bytes, line by line, gives what parsing the whole decoded text gives.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRollout, parseRolloutBytes } from "./reader.ts";

const meta = JSON.stringify({
  timestamp: "t",
  type: "session_meta",
  payload: { id: "0190a0b0-c0d0-7e00-8000-000000000001", cwd: "/w", model: "m" },
});
const item = (text: string) =>
  JSON.stringify({
    timestamp: "t",
    type: "response_item",
    payload: { type: "message", role: "user", content: [{ type: "input_text", text }] },
  });
const event = JSON.stringify({
  timestamp: "t",
  type: "event_msg",
  payload: { type: "user_message", message: "é" },
});

test("bytes read line by line: same records, history and warnings as the decoded text", () => {
  const texts = [
    "",
    "\n",
    `${meta}\n${item("plain")}\n${event}\n`,
    `${meta}\n${item("résumé → ✔ 🙂")}\n\n  \n${item("after blank lines")}\n`,
    `${meta}\r\n${item("crlf")}\r\n`,
    `\ufeff${meta}\n${item("after a BOM")}\n`,
    `${meta}\n{garbage\n${item("kept")}\n${item("cut short").slice(0, 30)}`,
    `${meta}\n${item("no final newline")}`,
    `${item("no meta")}\n{"type":"compacted","payload":{"message":"summary"}}\n${item("after")}\n`,
  ];
  for (const text of texts) {
    assert.deepEqual(parseRolloutBytes(Buffer.from(text), "f.jsonl"), parseRollout(text, "f.jsonl"), text);
  }
  // Invalid UTF-8 decodes to the same replacement characters either way.
  const bytes = Buffer.concat([
    Buffer.from(`${meta}\n`),
    Buffer.from([0xe2, 0x82]),
    Buffer.from(`\n${item("x")}\n`),
  ]);
  assert.deepEqual(parseRolloutBytes(bytes, "f"), parseRollout(bytes.toString("utf8"), "f"));
});

test("read without records: the same meta, history and warnings, no records kept", () => {
  const text = `${meta}\n${item("one")}\n${event}\n{garbage\n${item("two")}\n{"type":"compacted","payload":{"message":"s"}}\n${item("three").slice(0, 20)}`;
  const all = parseRolloutBytes(Buffer.from(text), "f");
  const lean = parseRolloutBytes(Buffer.from(text), "f", { records: false });
  assert.equal(all.records.length, 5);
  assert.equal(all.warnings.length, 2);
  assert.deepEqual(lean, { ...all, records: [] });
  assert.deepEqual(parseRollout(text, "f", { records: false }), lean);
});
