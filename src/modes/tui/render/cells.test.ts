// Cells and cards as the user sees them, drawn by Ink (ink-testing-library renders to a string).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { cleanup, render } from "ink-testing-library";
import { createElement } from "react";
import { usage } from "../../../../test/helpers/usage.ts";
import { formatUsageSummary, UsageAggregator } from "../../../telemetry/usage.ts";
import { createPicker } from "../input/picker.ts";
import { Lines } from "../screens/lines.tsx";
import { ApprovalOverlay, PickerView } from "../screens/widgets.tsx";
import type { Cell } from "../state/transcript.ts";
import { cellLines, formatDuration, liveTail, visibleTail } from "./cells.ts";
import { colorDiff, fileDiff, workspaceDiff } from "./diff.ts";
import { type StatusInfo, statusCard } from "./status.ts";
import { lineText } from "./styled.ts";

after(cleanup);

function frame(cell: Cell): string {
  return render(createElement(Lines, { lines: cellLines(cell, 10_000) })).lastFrame() ?? "";
}

test("command cell: command, output tail, exit code and duration", () => {
  const output = Array.from({ length: 8 }, (_, i) => `line ${i + 1}`).join("\n");
  const done = frame({
    kind: "command",
    callId: "c",
    command: ["bash", "-lc", "seq 8 | sed 's/^/line /'"],
    output,
    exitCode: 0,
    durationMs: 1500,
    startedAt: 0,
    status: "completed",
  });
  assert.match(done, /• Ran seq 8 \| sed 's\/\^\/line \/'/);
  assert.match(done, /│ … \+3 lines/);
  assert.match(done, /│ line 8/);
  assert.doesNotMatch(done, /line 3\b/);
  assert.match(done, /└ ✓ exit 0 • 1\.5s/);
  const running = frame({
    kind: "command",
    callId: "c",
    command: ["sleep", "5"],
    output: "",
    exitCode: null,
    durationMs: 0,
    startedAt: 7000,
    status: "running",
  });
  assert.match(running, /• Running sleep 5/);
  assert.match(running, /└ 3\.0s/);
  assert.equal(formatDuration(65_000), "1m 05s");
  const tail = liveTail(cellLines({ kind: "assistant", text: "a\nb\nc\nd\ne" }), 3);
  assert.deepEqual(tail.map(lineText), ["  … 3 lines above", "  d", "  e"]);
  // Never taller than asked, even with room for one row only or lines cut before.
  const five = cellLines({ kind: "assistant", text: "a\nb\nc\nd\ne" });
  for (const rows of [1, 2, 3, 5, 6])
    for (const hidden of [0, 4]) assert.ok(liveTail(five, rows, hidden).length <= rows, `${rows}/${hidden}`);
  assert.deepEqual(liveTail(five, 1).map(lineText), ["  e"]);
  assert.deepEqual(liveTail(five, 5, 4).map(lineText), ["  … 5 lines above", "  b", "  c", "  d", "  e"]);
});

test("patch cell: the file, its counts and the coloured hunk", () => {
  const diff = [fileDiff("a.txt", "a.txt", "one\ntwo\nthree\n", "one\n2\nthree\n")];
  assert.deepEqual([diff[0].added, diff[0].removed], [1, 1]);
  const out = frame({
    kind: "patch",
    callId: "p",
    changes: [{ path: "a.txt", kind: "update" }],
    status: "applied",
    output: "",
    diff,
  });
  assert.match(out, /• Edited a\.txt \(\+1 -1\)/);
  assert.match(out, /2 -two/);
  assert.match(out, /2 \+2/);
  assert.equal(diff[0].lines.find((l) => l.spans[1]?.text === "-two")?.spans[1].color, "red");
});

test("plan, reasoning, notices and answers", () => {
  const plan = frame({
    kind: "plan",
    explanation: "first things first",
    plan: [
      { step: "read", status: "completed" },
      { step: "edit", status: "in_progress" },
      { step: "test", status: "pending" },
    ],
  });
  assert.match(plan, /Updated Plan\n {2}└ first things first\n {4}✔ read\n {4}◐ edit\n {4}□ test/);
  assert.match(frame({ kind: "reasoning", text: "hmm\n" }), /^ {2}hmm$/);
  assert.match(frame({ kind: "notice", text: "careful", tone: "warning" }), /⚠ careful/);
  assert.match(frame({ kind: "assistant", text: "Done:\n- **one**" }), /• Done:\n {2}• one/);
});

test("/status: configuration, token usage, context window and the LiteLLM usage card", () => {
  const agg = new UsageAggregator();
  const record = (model: string, input: number, output: number, cost?: number) =>
    agg.record({
      ts: "t",
      sessionId: "s",
      model,
      reasoningEffort: "high",
      usage: usage(input, output),
      cost,
    });
  record("vendor/big", 9000, 1000, 0.002);
  record("small", 400, 100);
  for (let i = 0; i < 5; i++) record(`m${i}`, 10, 1);
  const info: StatusInfo = {
    version: "1.2.3",
    model: "vendor/big",
    effort: "high",
    provider: { id: "litellm", name: "LiteLLM", baseUrl: "http://gw/v1" },
    cwd: "/home/u/proj",
    home: "/home/u",
    approvalPolicy: "on-request",
    sandbox: "workspace-write (bwrap, network off)",
    agentsFiles: ["/home/u/proj/AGENTS.md"],
    sessionId: "0199-abc",
    usage: usage(9400, 1100),
    contextUsed: 10_100,
    contextWindow: 128_000,
    litellmLines: formatUsageSummary(agg.summary()),
  };
  const out = render(createElement(Lines, { lines: statusCard(info) })).lastFrame() ?? "";
  assert.match(out, />_ codex-litellm \(v1\.2\.3\)/);
  assert.match(out, /Model:\s+vendor\/big \(reasoning high\)/);
  assert.match(out, /Model provider:\s+LiteLLM - http:\/\/gw\/v1/);
  assert.match(out, /Directory:\s+~\/proj/);
  assert.match(out, /Agents\.md:\s+AGENTS\.md/);
  assert.match(out, /Session:\s+0199-abc/);
  assert.match(out, /Token usage:\s+10\.5K total \(9\.4K input \+ 1\.1K output\)/);
  assert.match(out, /Context window:\s+100% left \(10\.1K used \/ 128K\)/);
  assert.match(
    out,
    /LiteLLM usage:\s+10\.6K tokens across 7 turns \(last model m4 • last effort high\) • \$0\.002/,
  );
  assert.match(out, /• vendor\/big 10K tokens in 1 turn • last effort high/);
  assert.match(out, /… 2 additional models/);
  const empty = statusCard({
    ...info,
    model: undefined,
    litellmLines: formatUsageSummary(new UsageAggregator().summary()),
  });
  const emptyOut = render(createElement(Lines, { lines: empty })).lastFrame() ?? "";
  assert.match(emptyOut, /no model selected/);
  assert.match(emptyOut, /LiteLLM usage:\s+no LiteLLM turns recorded yet/);
});

test("approval overlay and picker", () => {
  const approval = render(
    createElement(ApprovalOverlay, {
      request: {
        kind: "command",
        callId: "c",
        command: ["rm", "-rf", "build"],
        cwd: "/w",
        reason: "approval_policy is untrusted",
        unsandboxed: true,
      },
      view: { index: 1 },
    }),
  ).lastFrame();
  assert.match(approval ?? "", /Allow this command to run\?/);
  assert.match(approval ?? "", /\$ rm -rf build/);
  assert.match(approval ?? "", /runs without the sandbox/);
  assert.match(approval ?? "", /› 2\. Yes, and don't ask again for this command in this session \(a\)/);
  const picker = render(
    createElement(PickerView, {
      picker: {
        ...createPicker({
          title: "Pick",
          items: [
            { label: "a", value: 1 },
            { label: "b", value: 2 },
          ],
          searchable: true,
        }),
        filter: "b",
      },
    }),
  ).lastFrame();
  assert.match(picker ?? "", /search: b[^\n]*\n[^\n]*› b/);
  assert.doesNotMatch(picker ?? "", /› a/);
});

test("/diff: tracked changes and untracked files, coloured; outside git a message", async () => {
  const dir = mkdtempSync(join(tmpdir(), "diff-"));
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: dir });
    git("init", "-q");
    writeFileSync(join(dir, "a.txt"), "one\n");
    git("add", "a.txt");
    git("commit", "-qm", "a");
    writeFileSync(join(dir, "a.txt"), "two\n");
    writeFileSync(join(dir, "new.txt"), "fresh\n");
    const diff = await workspaceDiff(dir);
    assert.ok(diff.ok);
    const lines = colorDiff(diff.text);
    const text = lines.map(lineText).join("\n");
    assert.match(text, /-one\n\+two/);
    assert.match(text, /\+\+\+ b\/new\.txt\n@@ -0,0 \+1 @@\n\+fresh/);
    assert.equal(lines.find((l) => lineText(l) === "+two")?.spans[0].color, "green");
    const outside = await workspaceDiff(tmpdir());
    assert.equal(outside.ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a long streaming cell is cut to its visible tail before rendering; fences and counts survive the cut", () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
  const cut = visibleTail({ kind: "assistant", text: ["```", ...lines].join("\n") } as Cell, 5);
  assert.equal(cut.hidden, 101 - 15);
  assert.ok(
    cut.cell.kind === "assistant" && cut.cell.text.startsWith("```\nline 85\n"),
    "the open fence is reopened",
  );
  const long = visibleTail({ kind: "assistant", text: "word ".repeat(100_000) } as Cell, 5);
  assert.ok(long.cell.kind === "assistant" && long.cell.text.length <= 5 * 160 + 1);
  assert.ok(long.cell.kind === "assistant" && long.cell.text.startsWith("…"));
  const short = { kind: "assistant", text: "hi" } as Cell;
  assert.deepEqual(visibleTail(short, 5), { cell: short, hidden: 0 });
});
