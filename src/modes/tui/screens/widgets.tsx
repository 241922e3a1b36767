// The TUI's pieces below the transcript: composer, slash popup, pickers, approval overlay, working indicator,
// footer. Presentational only: state lives in app.tsx and the pure modules beside this file.
import { Box, Text } from "ink";
import { useEffect, useState } from "react";
import type { ApprovalRequest } from "../../../tools/policy.ts";
import { type ApprovalView, approvalOptions, approvalSubject } from "../input/approvals.ts";
import { type PickerState, pickerWindow, visibleItems } from "../input/picker.ts";
import type { SlashCommand } from "../input/slash.ts";
import { plain, type StyledLine, truncated } from "../render/styled.ts";
import { wrapLines } from "../render/wrap.ts";
import { Rows, useColumns } from "./lines.tsx";

/** The prompt box: the draft's rows (editor.ts draftRows), or the placeholder when it is empty. */
export function Composer({ draft, placeholder }: { draft: StyledLine[]; placeholder: string }) {
  return (
    <Box borderStyle="round" borderColor="gray" paddingX={1}>
      {draft.length === 0 ? (
        <Text>
          <Text color="cyan">› </Text>
          <Text inverse> </Text>
          <Text dimColor>{placeholder}</Text>
        </Text>
      ) : (
        <Rows rows={draft} />
      )}
    </Box>
  );
}

export function SlashPopup({ matches, index }: { matches: SlashCommand[]; index: number }) {
  return (
    <Box flexDirection="column" paddingX={2}>
      {matches.map((c, i) => (
        <Text key={c.name} color={i === index ? "cyan" : undefined} wrap="truncate-end">
          {`/${c.name}`.padEnd(12)}
          <Text dimColor>{c.description}</Text>
        </Text>
      ))}
    </Box>
  );
}

export function PickerView<T>({ picker, rows = 10 }: { picker: PickerState<T>; rows?: number }) {
  const { items, offset } = pickerWindow(picker, rows);
  const total = visibleItems(picker).length;
  const selected = Math.min(picker.index, Math.max(0, total - 1));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold>{picker.title}</Text>
      {picker.subtitle ? <Text dimColor>{picker.subtitle}</Text> : null}
      {picker.searchable ? (
        <Text>
          <Text color="cyan">{"search: "}</Text>
          {picker.filter ? picker.filter : <Text dimColor>Type to filter…</Text>}
        </Text>
      ) : null}
      {total === 0 ? (
        <Text color="yellow">{picker.empty ?? (picker.filter ? "no match" : "nothing to choose from")}</Text>
      ) : (
        items.map((item, i) => {
          const active = offset + i === selected;
          return (
            <Text
              key={`${item.label}\0${item.detail ?? ""}`}
              color={active ? "cyan" : undefined}
              wrap="truncate-end"
            >
              {active ? "› " : "  "}
              {item.label}
              {item.detail ? <Text dimColor>{`  ${item.detail}`}</Text> : null}
            </Text>
          );
        })
      )}
      <Text dimColor>{picker.footer ?? "↑/↓ to move · enter to select · esc to dismiss"}</Text>
    </Box>
  );
}

/** At most `max` rows of `lines` wrapped to `width`, the last ending in "…" when more were cut. */
function firstRows(lines: StyledLine[], width: number, max: number): StyledLine[] {
  const rows = wrapLines(lines, width);
  if (rows.length <= max) return rows;
  const shown = rows.slice(0, max);
  const last = shown[max - 1];
  shown[max - 1] = wrapLines([{ spans: [...last.spans, { text: " …" }], truncate: true }], width)[0];
  return shown;
}

export function ApprovalOverlay({ request, view }: { request: ApprovalRequest; view: ApprovalView }) {
  const columns = useColumns();
  const options = approvalOptions(request);
  const title =
    request.kind === "command"
      ? "Allow this command to run?"
      : request.kind === "mcp"
        ? "Allow this MCP tool call? (MCP servers run outside the sandbox)"
        : "Allow these file changes?";
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        {title}
      </Text>
      <Rows rows={wrapLines(approvalSubject(request), columns - 4)} />
      <Text dimColor wrap="truncate-end">
        {`reason: ${request.reason}${request.kind === "command" && request.unsandboxed ? " (runs without the sandbox)" : ""}`}
      </Text>
      {request.kind === "command" && request.justification ? (
        <Rows
          rows={firstRows([plain(`the model says: ${request.justification}`, { dim: true })], columns - 4, 3)}
        />
      ) : null}
      {view.feedback !== undefined ? (
        <Box flexDirection="column">
          <Text>Tell the model what to do differently (enter to send, esc to just decline):</Text>
          <Text>
            <Text color="cyan">{"› "}</Text>
            {view.feedback}
            <Text inverse> </Text>
          </Text>
        </Box>
      ) : (
        options.map((o, i) => (
          <Text key={o.key} color={i === view.index ? "cyan" : undefined}>
            {i === view.index ? "› " : "  "}
            {`${i + 1}. ${o.label} `}
            <Text dimColor>{`(${o.key})`}</Text>
          </Text>
        ))
      )}
    </Box>
  );
}

export function Working({ label, since }: { label: string; since: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.floor((Date.now() - since) / 1000);
  const elapsed =
    seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  return (
    <Text>
      <Text color="cyan">{"◦ "}</Text>
      <Text bold>{label}</Text>
      <Text dimColor>{` (${elapsed} • esc to interrupt)`}</Text>
    </Text>
  );
}

/** One row: the left text first; the hints on the right only when both fit. */
export function Footer({ left, right }: { left: string; right: string }) {
  const fits = left.length + right.length + 6 <= useColumns();
  return (
    <Box paddingX={2} justifyContent="space-between">
      <Text dimColor wrap="truncate-end">
        {left}
      </Text>
      {fits ? <Text dimColor>{right}</Text> : null}
    </Box>
  );
}

/** Queued prompts shown at most. */
export const QUEUE_ROWS = 3;

/** Prompts waiting for the running turn to end, a row each (cut here: Ink would measure them whole). */
export function Queued({ prompts }: { prompts: readonly string[] }) {
  const columns = useColumns();
  const rows = prompts
    .slice(0, QUEUE_ROWS)
    .map((p) => truncated(plain(`↳ queued: ${p.slice(0, columns * 2).replace(/\s+/g, " ")}`, { dim: true })));
  if (prompts.length > QUEUE_ROWS) rows.push(plain(`  … ${prompts.length - QUEUE_ROWS} more`, { dim: true }));
  return (
    <Box paddingX={2}>
      <Rows rows={wrapLines(rows, columns - 4)} />
    </Box>
  );
}
