// Writes rollout files in the SPEC §6 layout for trace tests (and the e2e test), independent of the
// session writer: sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl, `{timestamp, type, payload}`.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { usage } from "./usage.ts";

export interface FixtureSession {
  id: string;
  /** Creation time; records are one second apart from here. */
  start: Date;
  model?: string;
  /** Extra raw lines appended after the generated records (damaged lines, for instance). */
  extraLines?: string[];
  /** Set the file's mtime to this (list order is by last write). */
  mtime?: Date;
  /** Replace the generated records. */
  records?: { type: string; payload: Record<string, unknown> }[];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** One exec run: a prompt, a shell call and its output, a patch, a final answer; two model responses. */
export function standardRecords(s: FixtureSession): { type: string; payload: Record<string, unknown> }[] {
  const model = s.model ?? "sim-model";
  return [
    {
      type: "session_meta",
      payload: {
        id: s.id,
        timestamp: s.start.toISOString(),
        cwd: "/work/project",
        originator: "codex-litellm",
        cli_version: "0.1.0",
        source: "exec",
        model_provider: "litellm",
        model,
      },
    },
    {
      type: "turn_context",
      payload: { cwd: "/work/project", approval_policy: "never", model, effort: "high" },
    },
    { type: "event_msg", payload: { type: "task_started", model_context_window: 130000 } },
    { type: "event_msg", payload: { type: "user_message", message: "create hello.txt\nthen fix it" } },
    {
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ type: "input_text", text: "create hello.txt" }] },
    },
    { type: "response_item", payload: { type: "reasoning", text: "I should write the file." } },
    { type: "event_msg", payload: { type: "agent_reasoning", text: "I should write the file." } },
    {
      type: "response_item",
      payload: { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_1" },
    },
    {
      type: "event_msg",
      payload: {
        type: "token_count",
        info: { total_token_usage: usage(100, 20, 5), last_token_usage: usage(100, 20, 5) },
        rate_limits: null,
      },
    },
    {
      type: "response_item",
      payload: { type: "function_call_output", call_id: "call_1", output: "Exit code: 0" },
    },
    {
      type: "response_item",
      payload: { type: "function_call", name: "apply_patch", arguments: '{"input":"…"}', call_id: "call_2" },
    },
    {
      type: "response_item",
      payload: { type: "function_call_output", call_id: "call_2", output: "Success." },
    },
    {
      type: "response_item",
      payload: {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Created hello.txt." }],
      },
    },
    { type: "event_msg", payload: { type: "agent_message", message: "Created hello.txt." } },
    {
      type: "event_msg",
      payload: {
        type: "token_count",
        info: { total_token_usage: usage(350, 50, 5), last_token_usage: usage(250, 30) },
        rate_limits: null,
      },
    },
    { type: "event_msg", payload: { type: "task_complete", last_agent_message: "Created hello.txt." } },
  ];
}

/** Writes the session under `home` and returns the file's path. */
export function writeSession(home: string, s: FixtureSession): string {
  const d = s.start;
  const [y, m, day] = [String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate())];
  const time = `${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
  const dir = join(home, "sessions", y, m, day);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `rollout-${y}-${m}-${day}T${time}-${s.id}.jsonl`);
  const lines = (s.records ?? standardRecords(s)).map((r, i) =>
    JSON.stringify({ timestamp: new Date(d.getTime() + i * 1000).toISOString(), ...r }),
  );
  writeFileSync(path, `${[...lines, ...(s.extraLines ?? [])].join("\n")}\n`);
  const mtime = s.mtime ?? d;
  utimesSync(path, mtime, mtime);
  return path;
}

/** Every rollout file under a CODEX_HOME, oldest first by name. */
export function listRollouts(home: string): string[] {
  const root = join(home, "sessions");
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(root);
  return out;
}

/** The parsed records of a rollout file (every line must parse). */
export function readRecords(path: string): any[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}
