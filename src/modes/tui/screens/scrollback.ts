// Finished cells in the terminal's scrollback without Ink drawing them. Ink prints <Static> items once, but
// first places every character of them on its grid as an object (a 540 KB answer cost ~0.6 s of that, and as
// much again in garbage collection). So each finished cell is given to <Static> as a one-line marker, and the
// stream Ink writes to puts the cell's text, wrapped and styled by src/modes/tui/render, in the marker's
// place. Ink keeps its own bookkeeping (it writes the markers again when it redraws the whole screen for a
// terminal made shorter, and they are replaced again). The marker carries a random nonce, so text a model
// writes cannot name one.
import { randomBytes } from "node:crypto";
import type { WriteStream } from "node:tty";

export interface Scrollback {
  /** The stream to give Ink as its stdout. */
  readonly stdout: WriteStream;
  /** A short line to render in <Static> in place of `text` (which should end with its own newline). */
  marker(text: string): string;
}

export function createScrollback(terminal: WriteStream): Scrollback {
  const nonce = randomBytes(4).toString("hex");
  const pattern = new RegExp(`~${nonce}:[0-9a-z]+~`, "g");
  const texts = new Map<string, string>();
  let next = 0;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === "string" && chunk.includes(`~${nonce}:`))
      chunk = chunk.replace(pattern, (marker) => texts.get(marker) ?? marker);
    return (terminal.write as (...args: unknown[]) => boolean)(chunk, ...rest);
  };
  const stdout = new Proxy(terminal, {
    get(target, key) {
      if (key === "write") return write;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    stdout,
    marker(text) {
      const marker = `~${nonce}:${(next++).toString(36)}~`;
      texts.set(marker, text);
      return marker;
    },
  };
}
