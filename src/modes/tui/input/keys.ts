// Raw terminal input → key events. Ink hands over input split at escape sequences but leaves runs of plain
// characters together ("hello\r" when typed fast or sent by tmux), which its own key parser misreads; this
// decoder reads every character. Bracketed paste (ESC[200~ … ESC[201~) arrives as text, newlines included.

export type KeyName =
  | "enter"
  | "newline"
  | "backspace"
  | "delete"
  | "up"
  | "down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "pageup"
  | "pagedown"
  | "escape"
  | "tab"
  | "word-left"
  | "word-right"
  | "ctrl-a"
  | "ctrl-c"
  | "ctrl-d"
  | "ctrl-e"
  | "ctrl-k"
  | "ctrl-l"
  | "ctrl-u"
  | "ctrl-w";

export type KeyEvent = { kind: "text"; text: string } | { kind: "key"; name: KeyName };

export interface DecoderState {
  pasting: boolean;
}

const SEQUENCES: Record<string, KeyName> = {
  "\x1b": "escape",
  "\x1b\x1b": "escape",
  "\x1b[A": "up",
  "\x1bOA": "up",
  "\x1b[B": "down",
  "\x1bOB": "down",
  "\x1b[C": "right",
  "\x1bOC": "right",
  "\x1b[D": "left",
  "\x1bOD": "left",
  "\x1b[H": "home",
  "\x1bOH": "home",
  "\x1b[1~": "home",
  "\x1b[7~": "home",
  "\x1b[F": "end",
  "\x1bOF": "end",
  "\x1b[4~": "end",
  "\x1b[8~": "end",
  "\x1b[3~": "delete",
  "\x1b[5~": "pageup",
  "\x1b[6~": "pagedown",
  "\x1b[1;5D": "word-left",
  "\x1b[1;3D": "word-left",
  "\x1bb": "word-left",
  "\x1b[1;5C": "word-right",
  "\x1b[1;3C": "word-right",
  "\x1bf": "word-right",
  "\x1b\x7f": "ctrl-w",
  "\x1b\b": "ctrl-w",
  // Alt+Enter, and Shift+Enter as the kitty (CSI u) and xterm modifyOtherKeys protocols send it.
  "\x1b\r": "newline",
  "\x1b[13;2u": "newline",
  "\x1b[27;2;13~": "newline",
  "\x1b[Z": "tab",
};

const CONTROLS: Record<string, KeyName> = {
  "\r": "enter",
  "\n": "newline",
  "\x7f": "backspace",
  "\b": "backspace",
  "\t": "tab",
  "\x01": "ctrl-a",
  "\x03": "ctrl-c",
  "\x04": "ctrl-d",
  "\x05": "ctrl-e",
  "\x0b": "ctrl-k",
  "\x0c": "ctrl-l",
  "\x15": "ctrl-u",
  "\x17": "ctrl-w",
};

export const PASTE_START = "\x1b[200~";
export const PASTE_END = "\x1b[201~";

/** Decodes one chunk of input; `state` carries the bracketed-paste flag between chunks. */
export function decodeInput(chunk: string, state: DecoderState): KeyEvent[] {
  const events: KeyEvent[] = [];
  let text = "";
  const flush = () => {
    if (text) events.push({ kind: "text", text });
    text = "";
  };
  let rest = chunk;
  while (rest.length > 0) {
    if (state.pasting) {
      const end = rest.indexOf(PASTE_END);
      text += (end < 0 ? rest : rest.slice(0, end)).replace(/\r\n?/g, "\n");
      if (end < 0) break;
      state.pasting = false;
      rest = rest.slice(end + PASTE_END.length);
      continue;
    }
    if (rest.startsWith(PASTE_START)) {
      state.pasting = true;
      rest = rest.slice(PASTE_START.length);
      continue;
    }
    if (rest[0] === "\x1b") {
      // Ink delivers one escape sequence per chunk; match the longest known prefix, drop unknown ones.
      const seq = Object.keys(SEQUENCES)
        .filter((s) => rest.startsWith(s))
        .sort((a, b) => b.length - a.length)[0];
      flush();
      if (seq && (seq.length > 1 || rest.length === 1 || rest[1] === "\x1b")) {
        events.push({ kind: "key", name: SEQUENCES[seq] });
        rest = rest.slice(seq.length);
      } else {
        const csi = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/.exec(rest);
        rest = rest.slice(csi?.[0].length || 1);
      }
      continue;
    }
    const ch = rest[0];
    const control = CONTROLS[ch];
    if (control) {
      flush();
      events.push({ kind: "key", name: control });
    } else if (ch >= " ") {
      text += ch;
    }
    rest = rest.slice(1);
  }
  flush();
  return events;
}
