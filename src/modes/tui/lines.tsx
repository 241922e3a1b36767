// StyledLine[] → Ink elements. The one place styles meet Ink's <Text>.
import { Box, Text } from "ink";
import type { StyledLine } from "./styled.ts";

export function Line({ line }: { line: StyledLine }) {
  return (
    <Text wrap={line.truncate ? "truncate-end" : "wrap"}>
      {line.spans.length === 0 || line.spans.every((s) => s.text === "")
        ? " "
        : line.spans.map((s, i) => (
            <Text
              // biome-ignore lint/suspicious/noArrayIndexKey: spans never reorder
              key={i}
              color={s.color}
              bold={s.bold}
              italic={s.italic}
              dimColor={s.dim}
              inverse={s.inverse}
              underline={s.underline}
            >
              {s.text}
            </Text>
          ))}
    </Text>
  );
}

export function Lines({ lines, marginBottom = 0 }: { lines: StyledLine[]; marginBottom?: number }) {
  return (
    <Box flexDirection="column" marginBottom={marginBottom}>
      {lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one cell never reorder
        <Line key={i} line={l} />
      ))}
    </Box>
  );
}
