// Model discovery: ids from `/models`, windows from LiteLLM's `/model_group/info` or `/model/info`.
// LiteLLM's booleans default to false when unknown, and token limits may be null or floats: treat both
// as "not known" rather than as facts.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../util/files.ts";
import { redactUrl } from "../util/redact.ts";
import type { Gateway } from "./client.ts";

export interface ModelInfo {
  id: string;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  /** `supports_vision` when the gateway states it (LiteLLM sends null when unknown). */
  supportsVision?: boolean;
}

const CACHE_TTL_MS = 5 * 60 * 1000;

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

/** The proxy's root: `/model/info` and `/model_group/info` live beside `/v1`, not under it. */
function flag(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

function proxyRoot(baseUrl: string): string {
  return baseUrl.replace(/\/v1\/?$/, "");
}

function fromGroupInfo(doc: unknown): Map<string, ModelInfo> {
  const out = new Map<string, ModelInfo>();
  for (const entry of ((doc as { data?: unknown[] })?.data ?? []) as Record<string, unknown>[]) {
    if (typeof entry?.model_group !== "string") continue;
    out.set(entry.model_group, {
      id: entry.model_group,
      maxInputTokens: positive(entry.max_input_tokens),
      maxOutputTokens: positive(entry.max_output_tokens),
      supportsVision: flag(entry.supports_vision),
    });
  }
  return out;
}

/** `/model/info` lists one entry per deployment; several can share a name. Keep the smallest window. */
function fromModelInfo(doc: unknown): Map<string, ModelInfo> {
  const out = new Map<string, ModelInfo>();
  for (const entry of ((doc as { data?: unknown[] })?.data ?? []) as Record<string, unknown>[]) {
    if (typeof entry?.model_name !== "string") continue;
    const info = (entry.model_info ?? {}) as Record<string, unknown>;
    const input = positive(info.max_input_tokens);
    const output = positive(info.max_output_tokens) ?? positive(info.max_tokens);
    const prev = out.get(entry.model_name);
    out.set(entry.model_name, {
      id: entry.model_name,
      maxInputTokens:
        prev?.maxInputTokens && input
          ? Math.min(prev.maxInputTokens, input)
          : (prev?.maxInputTokens ?? input),
      maxOutputTokens: prev?.maxOutputTokens ?? output,
      // One deployment that sees images is enough: LiteLLM routes to any of them.
      supportsVision: prev?.supportsVision || flag(info.supports_vision),
    });
  }
  return out;
}

/**
 * The window table: LiteLLM's `/model_group/info` (one entry per model name), else `/model/info` when the first
 * route is missing (404 or 405: older proxies). Other OpenAI-compatible servers have neither; that costs one
 * or two quick requests, and the empty answer is cached like any other.
 */
async function infoTable(gateway: Gateway, signal: AbortSignal): Promise<Map<string, ModelInfo> | undefined> {
  const root = proxyRoot(gateway.baseUrl ?? "");
  let status: number | undefined;
  try {
    return fromGroupInfo(await gateway.getJson(new URL(`${root}/model_group/info`), signal));
  } catch (error) {
    status = (error as { status?: number }).status;
  }
  if (!signal.aborted && (status === 404 || status === 405)) {
    try {
      return fromModelInfo(await gateway.getJson(new URL(`${root}/model/info`), signal));
    } catch (error) {
      status = (error as { status?: number }).status;
    }
  }
  // An answer without a table is a fact worth caching; no answer at all is not.
  return status !== undefined ? new Map() : undefined;
}

interface CacheFile {
  fetchedAt: number;
  baseUrl: string;
  models: ModelInfo[];
  /** False when only the window table was fetched (no `/models` ids): good for windows, not for a list. */
  complete?: boolean;
}

export interface DiscoverOptions {
  /** Where discovered models are cached for five minutes (under $CODEX_HOME). */
  cacheFile?: string;
  refresh?: boolean;
  now?: number;
}

function readCache(options: DiscoverOptions, cacheKey: string, now: number): CacheFile | undefined {
  if (!options.cacheFile || options.refresh) return undefined;
  try {
    const cached = JSON.parse(readFileSync(options.cacheFile, "utf8")) as CacheFile;
    if (cached.baseUrl === cacheKey && now - cached.fetchedAt < CACHE_TTL_MS && Array.isArray(cached.models))
      return cached;
  } catch {
    // no cache, or an unreadable one: fetch afresh
  }
  return undefined;
}

function writeCache(options: DiscoverOptions, file: CacheFile): void {
  if (!options.cacheFile) return;
  try {
    mkdirSync(dirname(options.cacheFile), { recursive: true });
    writeFileAtomic(options.cacheFile, JSON.stringify(file), 0o600);
  } catch {
    // A cache that cannot be written only costs a later refetch.
  }
}

/** All models the gateway offers, with windows where it says them. Throws when `/models` fails. */
export async function discoverModels(
  gateway: Gateway,
  signal: AbortSignal,
  options: DiscoverOptions = {},
): Promise<ModelInfo[]> {
  const now = options.now ?? Date.now();
  // The file names its gateway without the credentials a base URL may hold.
  const cacheKey = redactUrl(gateway.baseUrl ?? "");
  const cached = readCache(options, cacheKey, now);
  if (cached && cached.complete !== false) return cached.models;
  const [ids, found] = await Promise.all([gateway.listModels(signal), infoTable(gateway, signal)]);
  const table = found ?? new Map<string, ModelInfo>();
  const models = ids.map((id) => table.get(id) ?? { id });
  for (const [id, info] of table) if (!ids.includes(id)) models.push(info);
  writeCache(options, { fetchedAt: now, baseUrl: cacheKey, models, complete: true });
  return models;
}

/**
 * What the gateway says about `model` (its window), from the cache or the window table alone: a run that only
 * needs a window never asks for the model list. Throws only when aborted.
 */
export async function discoverModel(
  gateway: Gateway,
  model: string,
  signal: AbortSignal,
  options: DiscoverOptions = {},
): Promise<ModelInfo | undefined> {
  const now = options.now ?? Date.now();
  const cacheKey = redactUrl(gateway.baseUrl ?? "");
  const cached = readCache(options, cacheKey, now);
  if (cached) return cached.models.find((m) => m.id === model);
  const table = await infoTable(gateway, signal);
  if (!table || signal.aborted) return undefined;
  writeCache(options, { fetchedAt: now, baseUrl: cacheKey, models: [...table.values()], complete: false });
  return table.get(model);
}
