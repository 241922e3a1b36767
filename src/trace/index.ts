// `codex-litellm trace list | events | summary` (SPEC §7): read stored session rollouts.
// Home: `--home DIR`, else `$CODEX_TRACE_HOME`, else `$CODEX_HOME` (~/.codex). A session is named by its id,
// any unique prefix of it, or a file path. User mistakes (unknown or ambiguous session, bad option values)
// throw UserError: one line on stderr, exit 1 (2 for a malformed option value).
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { codexHome, type Env, envValue, processEnv } from "../config/env.ts";
import { findSessionById, firstPrompt, listSessionFiles, readSessionMeta } from "../session/find.ts";
import { UserError } from "../util/errors.ts";
import { createRedactor } from "../util/redact.ts";
import { escapeJsonControls, printable } from "../util/terminal-text.ts";
import { readTraceFile, recordLabel, recordText, type TraceFile } from "./records.ts";
import { formatSummary, summarize } from "./summary.ts";

export type TraceCommand = "list" | "events" | "summary";

export interface TraceOptions {
  command: TraceCommand;
  home?: string;
  /** list: how many sessions (default 20). */
  limit?: number | string;
  /** events, summary: an id, a unique id prefix, or a rollout file path. */
  session?: string;
  /** events: comma-separated record types (`event_msg`), payload types (`token_count`) or both (`event_msg/token_count`). */
  types?: string;
  /** events: case-insensitive text the record must contain. */
  contains?: string;
  json?: boolean;
  /** events: preview width in characters (default 96). */
  width?: number | string;
}

export interface TraceIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: Env;
}

const defaultIO: TraceIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export function traceHome(home: string | undefined, env: Env): string {
  if (home?.trim()) return resolve(home.trim());
  const fromEnv = envValue("CODEX_TRACE_HOME", env);
  return fromEnv ? resolve(fromEnv) : codexHome(env);
}

function positiveInt(value: number | string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`${flag} expects a positive integer, got \`${value}\``, 2);
  return n;
}

/** Local `YYYY-MM-DD HH:MM:SS` of an ISO timestamp (as the original tool printed it), or "unknown". */
export function localTime(iso?: string): string {
  const t = iso ? new Date(iso) : undefined;
  if (!t || Number.isNaN(t.getTime())) return "unknown";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}

/** One line, newlines escaped, cut to `width` with "…". */
function preview(text: string, width: number): string {
  const flat = text.replace(/\r?\n/g, "\\n").replace(/\t/g, " ");
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
}

function openSession(home: string, ref: string | undefined): TraceFile {
  const wanted = ref?.trim();
  if (!wanted) throw new UserError("--session ID|PATH is required", 2);
  const looksLikePath = wanted.includes("/") || wanted.endsWith(".jsonl");
  if (looksLikePath || existsSync(wanted)) {
    const path = resolve(wanted);
    if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`no session file at ${path}`);
    return readTraceFile(path);
  }
  return readTraceFile(findSessionById(home, wanted).path);
}

function warnDamaged(file: TraceFile, io: TraceIO): void {
  if (file.damaged)
    io.stderr(
      `warning: skipped ${file.damaged} damaged line${file.damaged === 1 ? "" : "s"} in ${file.path}\n`,
    );
}

function list(home: string, options: TraceOptions, io: TraceIO): number {
  const limit = positiveInt(options.limit, "--limit", 20);
  const files = listSessionFiles(home).slice(0, limit);
  if (files.length === 0) {
    if (!options.json) io.stdout(`No sessions under ${home}.\n`);
    return 0;
  }
  if (!options.json) io.stdout(`Sessions under ${home}:\n`);
  for (const file of files) {
    const meta = readSessionMeta(file.path);
    const entry = {
      id: meta?.id ?? file.id,
      timestamp: meta?.timestamp ?? null,
      model: meta?.model ?? null,
      model_provider: meta?.model_provider ?? null,
      cwd: meta?.cwd ?? null,
      first_prompt: firstPrompt(file.path) ?? null,
      path: file.path,
      modified: new Date(file.mtimeMs).toISOString(),
    };
    if (options.json) {
      io.stdout(`${JSON.stringify(entry)}\n`);
      continue;
    }
    // No parsable session_meta (a damaged first line): the file name still gives id and creation time.
    const when = meta?.timestamp
      ? localTime(meta.timestamp)
      : file.stamp.replace("T", " ").replace(/-(\d\d)-(\d\d)$/, ":$1:$2");
    const model = entry.model ?? entry.model_provider ?? "unknown-model";
    const prompt = entry.first_prompt === null ? "(no prompt)" : preview(entry.first_prompt, 60);
    io.stdout(
      `- ${entry.id} | ${when} | ${model} | ${printable(entry.cwd ?? "unknown directory")} | ${printable(prompt)} | ${relative(home, file.path)}\n`,
    );
  }
  return 0;
}

function events(home: string, options: TraceOptions, io: TraceIO): number {
  const width = positiveInt(options.width, "--width", 96);
  const file = openSession(home, options.session);
  const types = new Set(
    (options.types ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
  );
  const needle = options.contains?.toLowerCase();
  let shown = 0;
  for (const r of file.records) {
    if (types.size && !types.has(r.type) && !(r.kind && types.has(r.kind)) && !types.has(recordLabel(r)))
      continue;
    const text = recordText(r);
    if (needle && !r.raw.toLowerCase().includes(needle) && !text.toLowerCase().includes(needle)) continue;
    shown++;
    if (options.json) io.stdout(`${r.raw}\n`);
    else io.stdout(`${r.timestamp ?? "-"} ${recordLabel(r).padEnd(32)} ${preview(text, width)}\n`);
  }
  warnDamaged(file, io);
  if (shown === 0) io.stderr("No matching events.\n");
  return 0;
}

function summary(home: string, options: TraceOptions, io: TraceIO): number {
  const file = openSession(home, options.session);
  const s = summarize(file);
  // Damaged lines are part of the summary itself (`damaged_lines`), so no separate warning here.
  io.stdout(options.json ? `${JSON.stringify(s)}\n` : `${formatSummary(s, localTime).join("\n")}\n`);
  return 0;
}

/**
 * Output fit for a terminal, whatever the stored sessions hold (files written before redaction existed, or by
 * other tools): the secrets this environment knows (the key in LITELLM_API_KEY and other KEY/SECRET/TOKEN
 * variables, LiteLLM's key echoes) redacted, and control characters removed (JSON: escaped).
 */
function safeIO(io: TraceIO, env: Env, json: boolean): TraceIO {
  const redactor = createRedactor({ apiKey: envValue("LITELLM_API_KEY", env), env, patterns: false });
  const clean = json ? escapeJsonControls : printable;
  return { ...io, stdout: (t) => io.stdout(clean(redactor.text(t))), stderr: (t) => io.stderr(printable(t)) };
}

/** Runs one `trace` subcommand; returns the exit code. Throws UserError for user mistakes. */
export function runTrace(options: TraceOptions, rawIO: TraceIO = defaultIO): number {
  const env = rawIO.env ?? processEnv();
  const home = traceHome(options.home, env);
  const io = safeIO(rawIO, env, !!options.json);
  switch (options.command) {
    case "list":
      return list(home, options, io);
    case "events":
      return events(home, options, io);
    case "summary":
      return summary(home, options, io);
    default:
      options.command satisfies never;
      throw new UserError(`unknown trace command \`${options.command}\``, 2);
  }
}
