// Images go only to models the gateway does not say are blind: `supports_vision: false` in LiteLLM's
// `/model/info` or `/model_group/info` stops the run before any request; unknown means "try".

import type { Gateway } from "../gateway/client.ts";
import { discoverModels } from "../gateway/discovery.ts";
import { UserError } from "../util/errors.ts";

export async function assertVision(gateway: Gateway, model: string, cacheFile: string): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  let supports: boolean | undefined;
  try {
    const models = await discoverModels(gateway, controller.signal, { cacheFile });
    supports = models.find((m) => m.id === model)?.supportsVision;
  } catch {
    supports = undefined;
  } finally {
    clearTimeout(timer);
  }
  if (supports === false)
    throw new UserError(
      `${model} does not accept images (the gateway reports supports_vision: false); pick a vision model with -m`,
    );
}
