// StyledLine[] → Ink. The one place styles meet Ink: lines are wrapped to the terminal's width here
// (wrap.ts) and drawn as one <Text>, so Ink never measures or wraps a row wider than the terminal.
import { Box, Text, useStdout } from "ink";
import type { StyledLine } from "../render/styled.ts";
import { rowsText, wrapLines } from "../render/wrap.ts";

/** The terminal's width as Ink lays it out. */
export function useColumns(): number {
  const { stdout } = useStdout();
  return Math.max(8, stdout.columns || 80);
}

/** Rows already wrapped to the width (wrapLines): drawn as they are. */
export function Rows({ rows, marginBottom = 0 }: { rows: StyledLine[]; marginBottom?: number }) {
  return (
    <Box flexDirection="column" marginBottom={marginBottom}>
      <Text>{rows.length === 0 ? " " : rowsText(rows)}</Text>
    </Box>
  );
}

export function Lines({ lines, marginBottom = 0 }: { lines: StyledLine[]; marginBottom?: number }) {
  return <Rows rows={wrapLines(lines, useColumns())} marginBottom={marginBottom} />;
}

/**
 * A finished cell as the terminal's scrollback keeps it, in place of its marker line (scrollback.ts): its rows
 * wrapped to the width, spaces at the end of a row dropped (as Ink drops them), then the newline that leaves
 * a blank line after the marker's own.
 */
export function scrollbackText(lines: StyledLine[], columns: number): string {
  const rows = wrapLines(lines, columns);
  return `${rows.length === 0 ? "" : rowsText(rows).replace(/ +$/gm, "")}\n`;
}
