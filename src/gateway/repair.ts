// Tool-call argument text that is not valid JSON, repaired where the intent is unambiguous:
// - `{}{"a":1}` — a spurious empty object glued in front (LiteLLM #4537) or two fragments at one index;
// - a stream cut short: an open string and open brackets closed in order;
// - a trailing comma before a closing bracket.
// Anything else is left alone: the agent reports it to the model as a tool error and never replays it.

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Closes an unterminated string and every open `{`/`[` in order; undefined when the text is not a prefix. */
function closeOpen(text: string): string | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{") stack.push("}");
    else if (ch === "[") stack.push("]");
    else if (ch === "}" || ch === "]") {
      if (stack.pop() !== ch) return undefined;
    }
  }
  if (!stack.length && !inString) return undefined;
  let out = text;
  if (inString) out += '"';
  out = out.replace(/,\s*$/, "");
  return out + stack.reverse().join("");
}

/** Valid JSON text for `raw` when it is already valid or safely repairable, else undefined. */
export function repairArguments(raw: string): string | undefined {
  const text = raw.trim();
  if (text === "") return "{}";
  if (parses(text)) return text;
  const glued = /^\{\s*\}\s*(\{[\s\S]*\})$/.exec(text);
  if (glued && parses(glued[1])) return glued[1];
  const noTrailingComma = text.replace(/,(\s*[}\]])/g, "$1");
  if (parses(noTrailingComma)) return noTrailingComma;
  const closed = closeOpen(noTrailingComma);
  if (closed && parses(closed)) return closed;
  return undefined;
}
