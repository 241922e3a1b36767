// Writes a large rollout file in the layout `exec resume` reads (sessions/YYYY/MM/DD/rollout-…-<id>.jsonl):
// a long coding session of turns with a prompt, reasoning, a shell call, its output (source text with
// quotes, backslashes and tabs, so JSON escaping is exercised; a quarter of the texts with some non-ASCII),
// the answer and the events.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

const pad = (n: number) => String(n).padStart(2, "0");

/** A deterministic xorshift generator: the same file every run. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const CODE = [
  "const",
  "return",
  "function",
  "await",
  "config",
  "stream",
  'path: "src/a.ts"',
  "if (x) {",
  "}",
  "\\n",
  "\tindent",
  "// comment",
  "error",
  "=>",
];
/** Test runners, docs and user text bring some: about one output in four has non-ASCII text. */
const UNICODE = ["✔ passed", "résumé", "→", "🙂", "✖ failed"];

function text(rand: () => number, chars: number): string {
  const unicode = rand() < 0.25;
  let out = "";
  while (out.length < chars) {
    out +=
      unicode && rand() < 0.05
        ? UNICODE[Math.floor(rand() * UNICODE.length)]
        : CODE[Math.floor(rand() * CODE.length)];
    out += rand() < 0.15 ? "\n" : " ";
  }
  return out;
}

export interface GeneratedRollout {
  id: string;
  path: string;
  bytes: number;
  responseItems: number;
}

/** Writes about `targetBytes` of rollout under `codexHome`; the session's cwd is `cwd`. */
export function writeRollout(codexHome: string, cwd: string, targetBytes: number): GeneratedRollout {
  const id = "0190a0b0-c0d0-7e00-8000-00000000be4c";
  const start = new Date(Date.now() - 3600_000);
  const y = String(start.getFullYear());
  const m = pad(start.getMonth() + 1);
  const d = pad(start.getDate());
  const stamp = `${y}-${m}-${d}T${pad(start.getHours())}-${pad(start.getMinutes())}-${pad(start.getSeconds())}`;
  const dir = join(codexHome, "sessions", y, m, d);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `rollout-${stamp}-${id}.jsonl`);
  const fd = openSync(path, "w", 0o600);
  const rand = random(42);
  let bytes = 0;
  let responseItems = 0;
  let pending = "";
  const ts = start.toISOString();
  const write = (type: string, payload: object) => {
    pending += `${JSON.stringify({ timestamp: ts, type, payload })}\n`;
    if (type === "response_item") responseItems++;
    if (pending.length > 1 << 20) flush();
  };
  const flush = () => {
    bytes += writeSync(fd, pending);
    pending = "";
  };
  write("session_meta", {
    id,
    timestamp: ts,
    cwd,
    originator: "codex-litellm",
    cli_version: "0.1.0",
    source: "exec",
    model_provider: "litellm",
    model: "m",
  });
  const usage = { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100, total_tokens: 1100 };
  for (let turn = 0; bytes + pending.length < targetBytes; turn++) {
    const prompt = `step ${turn}: ${text(rand, 200)}`;
    write("turn_context", { cwd, approval_policy: "never", model: "m" });
    write("event_msg", { type: "user_message", message: prompt });
    write("response_item", {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: prompt }],
    });
    write("response_item", { type: "reasoning", text: text(rand, 600), reasoning_content: text(rand, 600) });
    const call = `call_${turn}`;
    const args = JSON.stringify({ command: ["bash", "-lc", `sed -n 1,200p src/file${turn % 97}.ts`] });
    write("response_item", { type: "function_call", call_id: call, name: "shell", arguments: args });
    write("response_item", { type: "function_call_output", call_id: call, output: text(rand, 8000) });
    const answer = text(rand, 1200);
    write("response_item", {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: answer }],
    });
    write("event_msg", { type: "agent_message", message: answer });
    write("event_msg", {
      type: "token_count",
      info: { total_token_usage: usage, last_token_usage: usage, model_context_window: 100_000_000 },
      rate_limits: null,
    });
  }
  flush();
  closeSync(fd);
  return { id, path, bytes, responseItems };
}
