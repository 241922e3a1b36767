// `codex-litellm login` in a terminal: the first-run setup screens in login mode (see setup-screen.tsx).
import { render } from "ink";
import type { ResolvedConfig } from "../../../config/types.ts";
import type { LoginAnswers } from "../../common/login.ts";
import { Onboarding } from "./setup-screen.tsx";

/** The checked URL and key (and a model when one was picked), or undefined when the user quit. */
export async function askLogin(config: ResolvedConfig): Promise<LoginAnswers | undefined> {
  let result: LoginAnswers | undefined;
  const keyName = config.provider.envKey ?? "LITELLM_API_KEY";
  const instance = render(
    <Onboarding
      mode="login"
      needs={{ baseUrl: true, apiKey: true, model: true, keyName }}
      provider={config.provider}
      codexHome={config.codexHome}
      onDone={(a) => {
        if (a?.baseUrl && a.apiKey) result = { baseUrl: a.baseUrl, apiKey: a.apiKey, model: a.model };
      }}
    />,
    { exitOnCtrlC: false },
  );
  await instance.waitUntilExit();
  return result;
}
