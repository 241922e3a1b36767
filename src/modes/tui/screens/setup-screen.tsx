// The first-run setup screens: base URL, key, then a default model from the gateway's /models.
import { Box, Text, useApp } from "ink";
import { useEffect, useReducer, useRef } from "react";
import { normalizeBaseUrl } from "../../../config/provider.ts";
import type { ProviderConfig } from "../../../config/types.ts";
import { createGateway } from "../../../gateway/client.ts";
import { discoverModels } from "../../../gateway/discovery.ts";
import { editorKey, emptyEditor } from "../input/editor.ts";
import type { KeyEvent } from "../input/keys.ts";
import { createPicker, type PickerState, pickerKey } from "../input/picker.ts";
import { useKeys } from "../input/use-keys.ts";
import type { OnboardingAnswers, OnboardingNeeds } from "../state/onboarding.ts";
import { PickerView } from "./widgets.tsx";

export interface OnboardingProps {
  needs: OnboardingNeeds;
  provider: ProviderConfig;
  codexHome: string;
  /** Called once: the answers, or undefined when the user quit (Ctrl-C). */
  onDone(answers: OnboardingAnswers | undefined): void;
  /**
   * `login`: every step, the current URL offered for editing, an empty key keeping the current one, and a
   * model list that does not load sending the user back to the URL with the reason (nothing is saved until it
   * loads).
   */
  mode?: "setup" | "login";
}

type Step = "url" | "key" | "model";

export function Onboarding({ needs, provider, codexHome, onDone, mode = "setup" }: OnboardingProps) {
  const login = mode === "login";
  const { exit } = useApp();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const steps: Step[] = [
    ...(needs.baseUrl ? ["url" as const] : []),
    ...(needs.apiKey ? ["key" as const] : []),
  ];
  if (needs.model) steps.push("model");
  const step = useRef(0);
  const prefill = (text = "") => ({ ...emptyEditor(), text, cursor: text.length });
  const input = useRef(login ? prefill(provider.baseUrl) : emptyEditor());
  const error = useRef("");
  const note = useRef("");
  const answers = useRef<OnboardingAnswers>({});
  const picker = useRef<PickerState<string> | undefined>(undefined);

  const finish = (result: OnboardingAnswers | undefined) => {
    onDone(result);
    exit();
  };
  const next = () => {
    step.current++;
    input.current = emptyEditor();
    error.current = "";
    if (step.current >= steps.length) return finish(answers.current);
    if (steps[step.current] === "model") loadModels();
    rerender();
  };
  const loadModels = () => {
    picker.current = createPicker<string>({
      title: "Default model for codex-litellm",
      subtitle: "Pick one now, or press esc to choose later with /model.",
      items: [],
      searchable: true,
      empty: "Connecting to LiteLLM…",
      footer: "enter to select · esc to skip",
    });
    const gateway = createGateway({
      provider: {
        ...provider,
        baseUrl: answers.current.baseUrl ?? provider.baseUrl,
        apiKey: answers.current.apiKey ?? provider.apiKey,
      },
    });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 15_000);
    discoverModels(gateway, abort.signal)
      .then((models) => {
        if (!picker.current) return;
        picker.current = {
          ...picker.current,
          items: models.map((m) => ({ label: m.id, value: m.id })),
          empty: "The gateway lists no models for this key. Press esc to continue without one.",
        };
      })
      .catch((e: Error) => {
        if (login) {
          // The check failed: back to the URL, which is what usually needs fixing, with the reason.
          picker.current = undefined;
          step.current = 0;
          input.current = prefill(answers.current.baseUrl);
          error.current = e.message;
          return;
        }
        if (picker.current)
          picker.current = {
            ...picker.current,
            empty: `Model selection unavailable (${e.message}). Press esc to continue without selecting a model.`,
          };
      })
      .finally(() => {
        clearTimeout(timer);
        rerender();
      });
  };

  const onKey = (event: KeyEvent) => {
    if (event.kind === "key" && event.name === "ctrl-c") return finish(undefined);
    const current = steps[step.current];
    if (current === "model" && picker.current) {
      const [state, result] = pickerKey(picker.current, event);
      picker.current = state;
      if (result?.kind === "pick") answers.current.model = result.value;
      if (result) return next();
      return rerender();
    }
    if (event.kind === "key" && event.name === "enter") {
      const value = input.current.text.trim();
      if (!value && login && current === "key" && provider.apiKey) {
        answers.current.apiKey = provider.apiKey;
        return next();
      }
      if (!value) {
        error.current = "a value is required";
        return rerender();
      }
      if (current === "url") {
        const url = normalizeBaseUrl(value);
        if (!url || !/^https?:\/\/[^/\s]+/i.test(url)) {
          error.current = "enter an http:// or https:// URL";
          return rerender();
        }
        if (url !== value) note.current = `Normalizing LiteLLM base URL to ${url}`;
        answers.current.baseUrl = url;
      } else {
        answers.current.apiKey = value;
      }
      return next();
    }
    if (event.kind === "key" && event.name === "newline") return;
    input.current = editorKey(input.current, event);
    rerender();
  };
  useKeys(onKey);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the first step is the model
  useEffect(() => {
    if (steps[0] === "model") loadModels();
  }, []);

  const current = steps[step.current];
  const secret = current === "key";
  const shown = secret ? "•".repeat(input.current.text.length) : input.current.text;
  return (
    <Box flexDirection="column">
      <Text bold>{login ? "codex-litellm login" : "codex-litellm first-run setup"}</Text>
      <Text dimColor>{`Your LiteLLM endpoint and API key are stored in ${codexHome}/.env (mode 0600).`}</Text>
      <Text> </Text>
      {note.current ? <Text color="cyan">{note.current}</Text> : null}
      {current === "model" && picker.current ? (
        <PickerView picker={picker.current} />
      ) : (
        <Box flexDirection="column">
          <Text>
            {current === "url"
              ? `Step ${step.current + 1} of ${steps.length}: LiteLLM base URL (for example https://litellm.example.com/v1)`
              : `Step ${step.current + 1} of ${steps.length}: LiteLLM API key (${needs.keyName})${login && provider.apiKey ? "; enter keeps the current key" : "; any value for a proxy without auth"}`}
          </Text>
          <Box borderStyle="round" borderColor="gray" paddingX={1}>
            <Text>
              <Text color="cyan">{"› "}</Text>
              {shown}
              <Text inverse> </Text>
            </Text>
          </Box>
          {error.current ? <Text color="red">{error.current}</Text> : null}
          <Text dimColor>enter to continue · ctrl-c to quit</Text>
        </Box>
      )}
    </Box>
  );
}
