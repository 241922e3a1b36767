// The trust prompt's screen, shown before the chat (see trust.ts).
import { Box, Text, useApp } from "ink";
import { useEffect, useRef, useState } from "react";
import type { TrustLevel } from "../../../config/types.ts";
import type { KeyEvent } from "../input/keys.ts";
import { useKeys } from "../input/use-keys.ts";
import { initialTrustState, TRUST_CHOICES, trustExplanation, trustKey } from "../state/trust.ts";

export interface TrustScreenProps {
  /** The directory the decision is for. */
  dir: string;
  versionControlled: boolean;
  /** Called once: the decision, or undefined when the user quit (Esc, Ctrl-C). */
  onDone(level: TrustLevel | undefined): void;
}

export function TrustScreen({ dir, versionControlled, onDone }: TrustScreenProps) {
  const { exit } = useApp();
  const state = useRef(initialTrustState(versionControlled));
  const [index, setIndex] = useState(state.current.index);
  // The last frame is empty, so the prompt does not stay above the chat.
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (done) exit();
  }, [done, exit]);

  const onKey = (event: KeyEvent) => {
    if (done) return;
    const [next, result] = trustKey(state.current, event);
    state.current = next;
    setIndex(next.index);
    if (!result) return;
    onDone(result.kind === "decide" ? result.level : undefined);
    setDone(true);
  };
  useKeys(onKey);

  if (done) return null;
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text>
        <Text dimColor>{"> "}</Text>
        <Text bold>{`You are running codex-litellm in ${dir}`}</Text>
      </Text>
      <Text> </Text>
      <Text>{trustExplanation(versionControlled)}</Text>
      <Text> </Text>
      {TRUST_CHOICES.map((choice, i) => (
        <Text key={choice.level} color={i === index ? "cyan" : undefined}>
          {`${i === index ? "› " : "  "}${i + 1}. ${choice.label}`}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>
        The choice is saved in codex-litellm.config.toml; /approvals changes permissions for one session.
      </Text>
      <Text dimColor>↑/↓ or 1/2 to choose · enter to confirm · esc to quit</Text>
    </Box>
  );
}
