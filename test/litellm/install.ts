// npm run litellm:install — installs the pinned LiteLLM proxy into .cache/litellm-venv (nothing to do when
// it is there already). The test suite and `npm run gateway:litellm` do the same on first use.
import { ensureLitellm, LITELLM_VERSION, litellmInstalled, VENV } from "./proxy.ts";

try {
  if (litellmInstalled()) console.error(`LiteLLM ${LITELLM_VERSION} is installed in ${VENV}`);
  else ensureLitellm((line) => console.error(line));
} catch (err) {
  console.error(`litellm:install: ${(err as Error).message}`);
  process.exit(1);
}
