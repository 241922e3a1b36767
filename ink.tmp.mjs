import React from "react";
import { render, Static, Text, Box } from "ink";
import { Writable } from "node:stream";
let bytes = 0;
const out = new Writable({ write(c, e, cb) { bytes += c.length; cb(); } });
out.columns = 120; out.rows = 40; out.isTTY = true;
const rows = Array.from({ length: 4500 }, (_, i) => (i === 0 ? "• " : "  ") + "The quick brown fox jumps over the lazy dog. ".repeat(3).slice(0, 115));
const mode = process.argv[2];
const items = [{ id: 1, rows }];
const t = performance.now();
function App() {
  return React.createElement(Static, { items }, (it) => React.createElement(Box, { key: it.id, flexDirection: "column" },
    mode === "rows" ? it.rows.map((r, i) => React.createElement(Text, { key: i }, r)) : React.createElement(Text, null, it.rows.join("\n"))));
}
const inst = render(React.createElement(App), { stdout: out, patchConsole: false, exitOnCtrlC: false });
await new Promise((r) => setTimeout(r, 100));
console.log(mode, (performance.now() - t - 100).toFixed(0), "ms", bytes, "bytes");
inst.unmount();
