// Untrusted text (the model's, the gateway's, a command's output) made safe to print on a terminal.
// Contract: `printable()` returns text with no escape sequence and no control character but newline and tab,
// so it cannot set the clipboard (OSC 52), retitle the window, move the cursor, clear the screen or reorder
// what is shown. Printable characters are kept as they are.
//
// What goes:
//   - ESC sequences: CSI (`ESC [` … final byte), OSC / DCS / SOS / PM / APC strings up to their terminator
//     (BEL or ST), and two-character escapes; their 8-bit C1 forms (U+009B CSI, U+009D OSC, …) alike. A string
//     sequence without a terminator loses only its introducer: its payload stays visible, as text.
//   - C0 controls but \n and \t (backspace could hide what was printed before it), DEL, and C1 controls
//     (U+0080–U+009F).
//   - Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder how a line reads
//     ("Trojan Source").
// Carriage returns become newlines (`\r\n` one newline): a bare CR would let a later part of a line overwrite
// an earlier one, and progress bars in command output stay readable as one line per update.

/** Anything `printable()` would change; tested first so clean text costs one scan. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/**
 * Whole sequences. String payloads stop at any ESC or C1 character, so a scan never runs past the next
 * control (linear on hostile input).
 */
const SEQUENCE =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x80-\x9f]*(?:\x07|\x1b\\|\x9c)|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;

const CONTROL = /\r\n?|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(SEQUENCE, "").replace(CONTROL, (c) => (c[0] === "\r" ? "\n" : ""));
}

/** Whether `printable(text)` would change anything. */
export function hasTerminalControls(text: string): boolean {
  return UNSAFE.test(text);
}

/** Characters JSON.stringify leaves raw that a terminal may still act on: C1 controls, bidi controls, and
 * U+2028/U+2029 (line breaks to some JavaScript readers). */
const JSON_RAW = /[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const JSON_RAW_ALL = /[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A JSON text with those characters written as `\uXXXX` escapes. Lossless: the text parses to the same value.
 * (JSON.stringify already escapes C0 controls, ESC included.) Only valid on JSON text: inside strings is the
 * only place such characters can be.
 */
export function escapeJsonControls(json: string): string {
  if (!JSON_RAW.test(json)) return json;
  return json.replace(JSON_RAW_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A deep copy of a JSON-like value with `fix` applied to every string (objects copied only when needed). */
export function mapStrings<T>(value: T, fix: (s: string) => string, depth = 0): T {
  if (typeof value === "string") return fix(value) as T;
  if (value === null || typeof value !== "object" || depth > 32) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = mapStrings(value[i], fix, depth + 1);
      if (v === value[i]) continue;
      out ??= value.slice();
      out[i] = v;
    }
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(value)) {
    const v = mapStrings(x, fix, depth + 1);
    if (v === x) continue;
    out ??= { ...(value as Record<string, unknown>) };
    out[k] = v;
  }
  return (out ?? value) as T;
}
