// Stock Codex (the pinned `@openai/codex` devDependency) driven offline: its native binary loads config, lists
// and resumes sessions from a temporary CODEX_HOME, and talks to a tiny local Responses-API server instead of
// OpenAI, so a test sees exactly what Codex replays in a request's `input`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { baseEnv, type RunResult } from "./cli.ts";

export const STOCK_CODEX = fileURLToPath(
  new URL("../../node_modules/@openai/codex/bin/codex.js", import.meta.url),
);

/** Why stock Codex cannot run here (not installed, no binary for this platform), or undefined when it can. */
export function stockCodexUnavailable(): string | undefined {
  if (!existsSync(STOCK_CODEX)) return "@openai/codex is not installed (npm ci)";
  const r = spawnSync(process.execPath, [STOCK_CODEX, "--version"], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0)
    return `stock codex does not run on this machine: ${(r.stderr || r.error?.message || "").trim()}`;
  return undefined;
}

/** Runs `codex <args>` with CODEX_HOME = `home` (HOME too, so nothing outside it is read), stdin closed. */
export function runStockCodex(args: string[], home: string, cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STOCK_CODEX, ...args], {
      cwd,
      env: baseEnv({ CODEX_HOME: home, HOME: home, RUST_LOG: "off" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ResponsesServer {
  /** Base URL ending in `/v1`, for a `[model_providers.<id>] base_url`. */
  baseUrl: string;
  /** Bodies of the `POST /v1/responses` requests received, in order. */
  bodies: any[];
  close(): Promise<void>;
}

/**
 * Answers every `POST …/responses` with one reasoning item (summary "codex plan"), the message "pong" and usage,
 * as the Responses API streams them.
 */
export async function startResponsesServer(): Promise<ResponsesServer> {
  const bodies: any[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/responses")) {
        res.writeHead(404).end("{}");
        return;
      }
      bodies.push(JSON.parse(text));
      res.writeHead(200, { "content-type": "text/event-stream" });
      const send = (type: string, data: object) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      const id = `resp_${bodies.length}`;
      send("response.created", { response: { id } });
      send("response.output_item.done", {
        output_index: 0,
        item: {
          type: "reasoning",
          id: `rs_${bodies.length}`,
          summary: [{ type: "summary_text", text: "codex plan" }],
        },
      });
      send("response.output_item.done", {
        output_index: 1,
        item: {
          type: "message",
          role: "assistant",
          id: `msg_${bodies.length}`,
          content: [{ type: "output_text", text: "pong" }],
        },
      });
      const usage = {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 2,
        total_tokens: 12,
      };
      send("response.completed", {
        response: { id, usage: { ...usage, output_tokens_details: { reasoning_tokens: 0 } } },
      });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A provider table stock Codex accepts, pointing at `baseUrl`, that never retries (the server is local). */
export function providerToml(id: string, baseUrl: string): string {
  return `[model_providers.${id}]\nname = "${id}"\nbase_url = "${baseUrl}"\nrequest_max_retries = 0\nstream_max_retries = 0\n`;
}
