// Ollama's chat API (POST /api/chat) as a provider behind LiteLLM: newline-delimited JSON, `thinking`
// beside `content`, tool calls with object arguments and no ids, token counts on the last line.
import { type Answer, pieces } from "../dialect.ts";
import type { Frame } from "../fixtures.ts";

const createdAt = () => new Date().toISOString();

function toolCalls(a: Answer) {
  return a.toolCalls.map((t) => {
    let args: unknown = {};
    try {
      args = JSON.parse(t.arguments);
    } catch {
      args = {};
    }
    return { function: { name: t.name, arguments: args } };
  });
}

function last(a: Answer, message: Record<string, unknown>): Record<string, unknown> {
  return {
    model: a.model,
    created_at: createdAt(),
    message,
    done: true,
    done_reason: a.finishReason === "length" ? "length" : "stop",
    total_duration: 1_000_000,
    load_duration: 1000,
    prompt_eval_count: a.usage?.prompt_tokens ?? 1,
    prompt_eval_duration: 1000,
    eval_count: a.usage?.completion_tokens ?? 1,
    eval_duration: 1000,
  };
}

/** A non-streamed /api/chat answer. */
export function ollamaMessage(a: Answer): Record<string, unknown> {
  const message: Record<string, unknown> = { role: "assistant", content: a.text ?? "" };
  if (a.reasoning) message.thinking = a.reasoning;
  if (a.toolCalls.length > 0) message.tool_calls = toolCalls(a);
  return last(a, message);
}

const line = (value: unknown): Frame => ({ text: `${JSON.stringify(value)}\n`, done: false });

/** A streamed /api/chat answer, one frame per line. */
export function ollamaStream(a: Answer): Frame[] {
  const frames: Frame[] = [];
  const partial = (message: Record<string, unknown>) =>
    frames.push(
      line({
        model: a.model,
        created_at: createdAt(),
        message: { role: "assistant", ...message },
        done: false,
      }),
    );
  for (const p of pieces(a.reasoning ?? "", a.chunkSize)) partial({ content: "", thinking: p });
  for (const p of pieces(a.text ?? "", a.chunkSize)) partial({ content: p });
  if (a.toolCalls.length > 0) partial({ content: "", tool_calls: toolCalls(a) });
  frames.push({ ...line(last(a, { role: "assistant", content: "" })), done: true });
  return frames;
}

export function ollamaError(status: number, message = `simulator: scripted HTTP ${status} error`) {
  return { error: message };
}

/** What `POST /api/show` answers for a model: its family and context length. */
export function ollamaShow(contextLength: number) {
  return {
    modelfile: "",
    parameters: "",
    template: "{{ .Prompt }}",
    details: { format: "gguf", family: "qwen3", parameter_size: "8B", quantization_level: "Q4_K_M" },
    model_info: { "general.architecture": "qwen3", "qwen3.context_length": contextLength },
    capabilities: ["completion", "tools", "thinking"],
  };
}
