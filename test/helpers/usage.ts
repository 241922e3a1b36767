// Token usage for tests: input and output tokens, no cache, reasoning as given.
import type { Usage } from "../../src/protocol/model.ts";

export const usage = (input: number, output = 10, reasoning = 0): Usage => ({
  input_tokens: input,
  cached_input_tokens: 0,
  output_tokens: output,
  reasoning_output_tokens: reasoning,
  total_tokens: input + output,
});
