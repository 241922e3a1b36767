// The cases recorded through the real LiteLLM proxy (npm run fixtures:litellm): what the upstream provider
// (the simulator) answers, and what the client asks the proxy.
import type { Scenario } from "../simulator/scenario.ts";

export interface Capture {
  name: string;
  what: string;
  /** The simulator's script, in the dialect of the provider the model routes to. */
  upstream: Scenario;
  /** The client's request body; absent for GET. */
  request?: Record<string, unknown>;
  path?: string;
  /** Another key than the proxy's master key. */
  key?: string;
  /** Send the request this many times and keep the last answer (rate limits). */
  repeat?: number;
}

const TOOLS = [
  {
    type: "function",
    function: {
      name: "shell",
      description: "Runs a shell command",
      parameters: {
        type: "object",
        properties: { command: { type: "array", items: { type: "string" } } },
        required: ["command"],
      },
    },
  },
];

const ask = (model: string, stream: boolean, extra: Record<string, unknown> = {}) => ({
  model,
  stream,
  ...(stream ? { stream_options: { include_usage: true } } : {}),
  messages: [{ role: "user", content: "list the files" }],
  tools: TOOLS,
  ...extra,
});

const TOOL_ANSWER = {
  reasoning: "The user wants a listing; ls will do.",
  text: "Listing the files.",
  tool_calls: [{ id: "call_ls_1", name: "shell", arguments: { command: ["ls", "-a"] } }],
  usage: { prompt_tokens: 120, completion_tokens: 30, reasoning_tokens: 10 },
};

export const CAPTURES: Capture[] = [
  {
    name: "openai-stream-tool-call",
    what: "OpenAI upstream, streamed: reasoning_content, text and a tool call, usage chunk",
    upstream: { responses: [TOOL_ANSWER] },
    request: ask("openai-sim", true),
  },
  {
    name: "openai-buffered-tool-call",
    what: "OpenAI upstream, stream: false",
    upstream: { responses: [TOOL_ANSWER] },
    request: ask("openai-sim", false),
  },
  {
    name: "anthropic-stream-thinking-tool-use",
    what: "Anthropic upstream, streamed: a signed thinking block, text and tool_use",
    upstream: { responses: [TOOL_ANSWER] },
    request: ask("claude-sim", true, { reasoning_effort: "low" }),
  },
  {
    name: "anthropic-buffered-thinking-tool-use",
    what: "Anthropic upstream, stream: false",
    upstream: { responses: [TOOL_ANSWER] },
    request: ask("claude-sim", false, { reasoning_effort: "low" }),
  },
  {
    name: "ollama-stream-tool-call",
    what: "Ollama upstream, streamed: thinking, text and a tool call without an id",
    upstream: { responses: [TOOL_ANSWER] },
    request: ask("ollama-sim", true),
  },
  {
    name: "error-unknown-model",
    what: "a model the proxy does not serve",
    upstream: { responses: [] },
    request: ask("no-such-model", true),
  },
  {
    name: "error-wrong-key",
    what: "a key that is not the master key, on a proxy without a key database",
    upstream: { responses: [] },
    request: ask("openai-sim", true),
    key: "sk-not-the-master-key-4242",
  },
  {
    name: "error-rate-limited",
    what: "the second request within a minute to a deployment with rpm: 1",
    upstream: { responses: [{ text: "first" }, { text: "second" }] },
    request: ask("rate-limited", true),
    repeat: 2,
  },
  {
    name: "error-context-window",
    what: "the upstream's context_length_exceeded 400, as LiteLLM maps it",
    upstream: {
      responses: [
        {
          status: 400,
          body: {
            error: {
              message:
                "This model's maximum context length is 3000 tokens. However, your messages resulted in 5210 tokens. Please reduce the length of the messages.",
              type: "invalid_request_error",
              param: "messages",
              code: "context_length_exceeded",
            },
          },
        },
      ],
    },
    request: ask("small-window", true),
  },
  {
    name: "error-upstream-500",
    what: "the upstream answers 500",
    upstream: { responses: [{ status: 500 }] },
    request: ask("openai-sim", true),
  },
  {
    name: "error-upstream-429-retry-after",
    what: "the upstream answers 429 with retry-after: 2",
    upstream: { responses: [{ status: 429, headers: { "retry-after": "2" } }] },
    request: ask("openai-sim", true),
  },
  {
    name: "error-anthropic-overloaded",
    what: "the Anthropic upstream answers 529 overloaded_error",
    upstream: { responses: [{ status: 529 }] },
    request: ask("claude-sim", true),
  },
  {
    name: "upstream-malformed-chunk",
    what: "the upstream stream carries one chunk that is not JSON",
    upstream: { responses: [{ ...TOOL_ANSWER, fault: { malformed_after_chunks: 3 } }] },
    request: ask("openai-sim", true),
  },
  {
    name: "upstream-error-event",
    what: "the Anthropic upstream sends an error event inside its 200 stream",
    upstream: { responses: [{ ...TOOL_ANSWER, fault: { error_event_after_chunks: 4 } }] },
    request: ask("claude-sim", true),
  },
  {
    name: "upstream-reset-early",
    what: "the upstream connection is reset after its first chunk, before LiteLLM has answered",
    upstream: { responses: [{ ...TOOL_ANSWER, fault: { reset_after_chunks: 1 } }] },
    request: ask("openai-sim", true),
  },
  {
    name: "upstream-reset",
    what: "the upstream connection is reset after 8 chunks 50 ms apart, mid-stream",
    upstream: { responses: [{ ...TOOL_ANSWER, fault: { reset_after_chunks: 8, chunk_delay_ms: 50 } }] },
    request: ask("openai-sim", true),
  },
  {
    name: "models",
    what: "GET /v1/models",
    upstream: { responses: [] },
    path: "/v1/models",
  },
  {
    name: "model-group-info",
    what: "GET /model_group/info",
    upstream: { responses: [] },
    path: "/model_group/info",
  },
];
