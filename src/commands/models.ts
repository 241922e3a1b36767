// `codex-litellm models`: what the gateway offers, with context windows where it says them.
import { processEnv } from "../config/env.ts";
import { loadConfig } from "../config/load.ts";
import type { CliOverrides } from "../config/types.ts";
import { modelsCacheFile } from "../core/setup.ts";
import { createGateway } from "../gateway/client.ts";
import { discoverModels } from "../gateway/discovery.ts";
import { closeAgents } from "../gateway/http.ts";
import { UserError } from "../util/errors.ts";
import { thousands } from "../util/format.ts";
import { redactUrl } from "../util/redact.ts";
import { escapeJsonControls, printable } from "../util/terminal-text.ts";

export interface ModelsOptions extends CliOverrides {
  json?: boolean;
  refresh?: boolean;
}

export async function runModels(options: ModelsOptions): Promise<number> {
  const config = loadConfig({ cli: options, env: processEnv() });
  const gateway = createGateway({ provider: config.provider });
  const where = config.provider.baseUrl ? redactUrl(config.provider.baseUrl) : undefined;
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  try {
    const models = await discoverModels(gateway, controller.signal, {
      cacheFile: modelsCacheFile(config.codexHome),
      refresh: options.refresh,
    });
    if (options.json) {
      process.stdout.write(
        `${escapeJsonControls(JSON.stringify(models.map((m) => ({ id: m.id, context_window: m.maxInputTokens ?? null, max_output_tokens: m.maxOutputTokens ?? null }))))}\n`,
      );
      return 0;
    }
    if (models.length === 0) {
      process.stderr.write(`the gateway at ${where} lists no models for this key\n`);
      return 0;
    }
    // Model ids are the gateway's words: shown printable, on one line.
    const ids = models.map((m) => printable(m.id).replace(/\s+/g, " "));
    const width = Math.max(5, ...ids.map((id) => id.length));
    const fmt = (n?: number) => (n === undefined ? "unknown" : thousands(n));
    const lines = [`${"MODEL".padEnd(width)}  ${"CONTEXT".padStart(9)}  ${"MAX OUTPUT".padStart(10)}`];
    for (const [i, m] of models.entries()) {
      const marker = m.id === config.model ? " *" : "";
      lines.push(
        `${ids[i].padEnd(width)}  ${fmt(m.maxInputTokens).padStart(9)}  ${fmt(m.maxOutputTokens).padStart(10)}${marker}`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } catch (error) {
    // The message names the URL called and what to check (src/gateway/first-contact.ts).
    throw new UserError(`could not list models: ${(error as Error).message}`);
  } finally {
    closeAgents();
  }
}
