/** An error the user caused (bad flag, missing prompt, …): printed as one line, no stack trace, exit 1. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
