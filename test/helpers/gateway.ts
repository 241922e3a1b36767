// A gateway client pointed at a simulator, with test-sized timeouts, and a collector for its events.
import type { ProviderConfig } from "../../src/config/types.ts";
import { createGateway, type Gateway } from "../../src/gateway/client.ts";
import type { ModelEvent, ModelRequest } from "../../src/protocol/model.ts";

export function testProvider(baseUrl: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id: "litellm",
    name: "LiteLLM",
    baseUrl,
    envKey: "LITELLM_API_KEY",
    apiKey: "sk-test-key",
    wireApi: "chat",
    queryParams: {},
    httpHeaders: {},
    requestMaxRetries: 0,
    streamMaxRetries: 0,
    streamIdleTimeoutMs: 2000,
    connectionRetryWindowMs: 0,
    streamMaxEventBytes: 16 * 1024 * 1024,
    responseMaxBytes: 128 * 1024 * 1024,
    requestMaxDurationMs: 60_000,
    toolArgumentsMaxBytes: 1024 * 1024,
    streamMode: "stream",
    bufferedModels: [],
    ...overrides,
  };
}

export function testGateway(baseUrl: string, overrides: Partial<ProviderConfig> = {}): Gateway {
  return createGateway({ provider: testProvider(baseUrl, overrides), sleep: async () => {} });
}

export const simpleRequest: ModelRequest = {
  model: "test-model",
  instructions: "be brief",
  items: [],
  tools: [],
};

export async function collect(
  gateway: Gateway,
  request: ModelRequest = simpleRequest,
  signal = new AbortController().signal,
): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of gateway.stream(request, signal)) events.push(event);
  return events;
}

export function finalResponse(events: ModelEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "done") throw new Error(`expected a done event, got ${JSON.stringify(last)}`);
  return last.response;
}
