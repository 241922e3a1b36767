// Raw keyboard input for Ink components, decoded by keys.ts. Ink's own useInput misreads runs of typed
// characters that end in Enter, so its raw input events are read instead.
import { useStdin } from "ink";
import { useEffect, useRef } from "react";
import { type DecoderState, decodeInput, type KeyEvent } from "./keys.ts";

/** Calls `handler` for every key; with `bracketedPaste`, pasted text arrives whole (newlines kept). */
export function useKeys(
  handler: (event: KeyEvent) => void,
  options: { bracketedPaste?: boolean } = {},
): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter } = useStdin();
  const ref = useRef(handler);
  ref.current = handler;
  const paste = options.bracketedPaste ?? false;
  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    const state: DecoderState = { pasting: false };
    const onInput = (chunk: string) => {
      for (const event of decodeInput(chunk, state)) ref.current(event);
    };
    internal_eventEmitter.on("input", onInput);
    if (paste) process.stdout.write("\x1b[?2004h");
    return () => {
      if (paste) process.stdout.write("\x1b[?2004l");
      internal_eventEmitter.off("input", onInput);
      setRawMode(false);
    };
  }, [setRawMode, isRawModeSupported, internal_eventEmitter, paste]);
}
