import assert from "node:assert/strict";
import { test } from "node:test";
import type { WriteStream } from "node:tty";
import { createScrollback } from "./scrollback.ts";

function fakeTerminal() {
  const written: string[] = [];
  const terminal = {
    columns: 120,
    rows: 40,
    isTTY: true,
    write(chunk: string) {
      written.push(chunk);
      return true;
    },
    handlers: 0,
    on() {
      this.handlers++;
      return this;
    },
  };
  return { terminal, written };
}

test("markers Ink writes become the cells' text, in static output and in a full redraw alike", () => {
  const { terminal, written } = fakeTerminal();
  const scrollback = createScrollback(terminal as unknown as WriteStream);
  const first = scrollback.marker("• First answer.\n");
  const second = scrollback.marker("› two\n");
  assert.notEqual(first, second);
  scrollback.stdout.write(`${first}\n${second}\n`);
  const clear = "\u001b[2J\u001b[3J\u001b[H";
  scrollback.stdout.write(`${clear}${first}\n${second}\nframe`);
  assert.deepEqual(written, ["• First answer.\n\n› two\n\n", `${clear}• First answer.\n\n› two\n\nframe`]);
});

test("text naming a marker it was not given, or another session's, is written as it is", () => {
  const { terminal, written } = fakeTerminal();
  const scrollback = createScrollback(terminal as unknown as WriteStream);
  const marker = scrollback.marker("secret cell\n");
  const other = createScrollback(terminal as unknown as WriteStream).marker("x");
  const unknown = marker.replace(/:[0-9a-z]+~$/, ":zz~");
  scrollback.stdout.write(`model says ${other} and ${unknown}`);
  assert.deepEqual(written, [`model says ${other} and ${unknown}`]);
});

test("everything but write is the terminal's own", () => {
  const { terminal } = fakeTerminal();
  const { stdout } = createScrollback(terminal as unknown as WriteStream);
  assert.equal(stdout.columns, 120);
  assert.equal(stdout.isTTY, true);
  stdout.on("resize", () => {});
  assert.equal(terminal.handlers, 1);
});
