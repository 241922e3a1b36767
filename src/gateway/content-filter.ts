// Reasoning and tool calls that arrive inside `content` text instead of their own fields:
// - `<think>…</think>` inline (MiniMax-M2, Qwen/vLLM without a reasoning parser, Kimi K2 on Bedrock), also
//   split across chunks and sometimes never closed;
// - gpt-oss Harmony envelopes (`<|channel|>analysis<|message|>…`, `… to=functions.shell <|message|>{…}<|call|>`)
//   leaked by servers without a Harmony parser (llama.cpp, mlx-lm, some Ollama builds);
// - Kimi's XML-style calls `<function=name><parameter=p>v</parameter></function>` in plain text.
// Control tokens never reach the user or the next request.

export interface TextCall {
  name: string;
  arguments: string;
}

export interface FilterOutput {
  text: string;
  reasoning: string;
}

const THINK_OPEN = "<think>";
const THINK_CLOSE = "</think>";
const HARMONY = "<|";

/** Length of the longest suffix of `s` that is a proper prefix of one of `tokens` (held back until more text). */
function partialSuffix(s: string, tokens: readonly string[]): number {
  let best = 0;
  for (const token of tokens) {
    for (let n = Math.min(token.length - 1, s.length); n > best; n--) {
      if (s.endsWith(token.slice(0, n))) {
        best = n;
        break;
      }
    }
  }
  return best;
}

export class ContentFilter {
  private pending = "";
  private inThink = false;
  private harmony = false;
  private harmonyRaw = "";
  /** Text shown so far, in pieces (joined at the end, to find Kimi-style calls): ~100k for a long answer. */
  private readonly shown: string[] = [];
  /** Nothing but whitespace shown yet. */
  private shownBlank = true;
  private thought = "";

  /**
   * The content as sent, in pieces; undefined while every piece took the fast path, when it is `shown` (a long
   * plain answer is kept once, not twice).
   */
  private raw: string[] | undefined;

  /** Feeds raw content; returns what may be shown now. Fast path: plain text with no `<` passes straight on. */
  push(chunk: string): FilterOutput {
    if (this.raw) this.raw.push(chunk);
    if (this.harmony) {
      this.harmonyRaw += chunk;
      return { text: "", reasoning: "" };
    }
    let input = this.pending + chunk;
    this.pending = "";
    if (!this.inThink && !input.includes("<")) {
      this.show(input);
      return { text: input, reasoning: "" };
    }
    // The first piece off the fast path: everything before it was shown as it came.
    if (!this.raw) this.raw = [...this.shown, chunk];
    let text = "";
    let reasoning = "";
    while (input) {
      if (this.inThink) {
        const close = input.indexOf(THINK_CLOSE);
        if (close < 0) {
          const hold = partialSuffix(input, [THINK_CLOSE]);
          reasoning += input.slice(0, input.length - hold);
          this.pending = input.slice(input.length - hold);
          break;
        }
        reasoning += input.slice(0, close);
        input = input.slice(close + THINK_CLOSE.length);
        this.inThink = false;
        continue;
      }
      const think = input.indexOf(THINK_OPEN);
      const harmony = input.indexOf(HARMONY);
      if (harmony >= 0 && (think < 0 || harmony < think)) {
        text += input.slice(0, harmony);
        this.harmony = true;
        this.harmonyRaw = input.slice(harmony);
        break;
      }
      if (think >= 0) {
        text += input.slice(0, think);
        input = input.slice(think + THINK_OPEN.length);
        this.inThink = true;
        continue;
      }
      const hold = partialSuffix(input, [THINK_OPEN, HARMONY]);
      text += input.slice(0, input.length - hold);
      this.pending = input.slice(input.length - hold);
      break;
    }
    // The usual inline-think shape starts with whitespace before `<think>`; do not show it.
    if (this.shownBlank && reasoning) text = text.trimStart();
    this.show(text);
    this.thought += reasoning;
    return { text, reasoning };
  }

  /** All the content pushed, as it came. */
  rawText(): string {
    return (this.raw ?? this.shown).join("");
  }

  private show(text: string): void {
    if (!text) return;
    this.shown.push(text);
    if (this.shownBlank && text.trim()) this.shownBlank = false;
  }

  /** Flushes held-back text and parses what was buffered. `text` is the complete cleaned answer. */
  finish(): {
    flushed: FilterOutput;
    text: string;
    calls: TextCall[];
    filtered: boolean;
    replayRaw: boolean;
  } {
    const flushed: FilterOutput = { text: "", reasoning: "" };
    if (this.pending) {
      if (this.inThink) flushed.reasoning = this.pending;
      else flushed.text = this.pending;
      this.show(flushed.text);
      this.thought += flushed.reasoning;
      this.pending = "";
    }
    const calls: TextCall[] = [];
    let text = this.shown.join("");
    if (this.harmony) {
      const parsed = parseHarmony(this.harmonyRaw);
      flushed.reasoning += parsed.reasoning;
      flushed.text += parsed.text;
      text += parsed.text;
      calls.push(...parsed.calls);
    }
    const fromText = extractXmlCalls(text);
    const fromThought = extractXmlCalls(this.thought);
    if (fromText.calls.length || fromThought.calls.length) {
      text = fromText.rest;
      calls.push(...fromText.calls, ...fromThought.calls);
    }
    const filtered = this.harmony || this.thought !== "" || calls.length > 0;
    return {
      flushed,
      text: filtered ? text.trim() : text,
      calls,
      filtered,
      replayRaw: this.thought !== "" && !this.harmony,
    };
  }
}

const HARMONY_MESSAGE =
  /<\|channel\|>\s*([A-Za-z_]+)([^<]*?)(?:<\|constrain\|>[^<]*)?<\|message\|>([\s\S]*?)(?=<\|end\|>|<\|call\|>|<\|return\|>|<\|start\|>|<\|channel\|>|$)/g;

/** Splits a Harmony envelope into answer text, reasoning and tool calls. Unknown tokens are dropped. */
export function parseHarmony(raw: string): { text: string; reasoning: string; calls: TextCall[] } {
  let text = "";
  let reasoning = "";
  const calls: TextCall[] = [];
  let matched = false;
  for (const m of raw.matchAll(HARMONY_MESSAGE)) {
    matched = true;
    const [, channel, header, body] = m;
    const target = /to=([\w.-]+)/.exec(header)?.[1];
    if (target) calls.push({ name: target.split(".").pop() ?? target, arguments: body.trim() });
    else if (channel === "analysis") reasoning += body;
    else text += body;
  }
  if (!matched) text = raw;
  return { text: stripControlTokens(text), reasoning: stripControlTokens(reasoning), calls };
}

export function stripControlTokens(s: string): string {
  return s.replace(/<\|[a-z_]+\|>/g, "");
}

const XML_CALL = /<function=([\w.-]+)>([\s\S]*?)<\/function>/g;
const XML_PARAM = /<parameter=([\w.-]+)>([\s\S]*?)<\/parameter>/g;

/** Kimi K2's text-form calls; parameter values that parse as JSON keep their type. */
export function extractXmlCalls(text: string): { rest: string; calls: TextCall[] } {
  if (!text.includes("<function=")) return { rest: text, calls: [] };
  const calls: TextCall[] = [];
  const rest = text.replace(XML_CALL, (_all, name: string, body: string) => {
    const args: Record<string, unknown> = {};
    for (const [, key, value] of body.matchAll(XML_PARAM)) {
      const trimmed = value.trim();
      try {
        args[key] = /^[[{"\d-]|^(true|false|null)$/.test(trimmed) ? JSON.parse(trimmed) : trimmed;
      } catch {
        args[key] = trimmed;
      }
    }
    calls.push({ name, arguments: JSON.stringify(args) });
    return "";
  });
  return { rest, calls };
}
