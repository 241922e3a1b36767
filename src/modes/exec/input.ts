// What `exec` sends as the first message: the prompt (argument, or stdin when absent or `-`), piped stdin
// appended as a `<stdin>` block when a prompt argument is also given (as Codex 0.171 does).
import { UserError } from "../../util/errors.ts";

export interface InputStream extends AsyncIterable<unknown> {
  isTTY?: boolean;
}

export interface PromptIO {
  stdin: InputStream;
  /** Where "Reading additional input from stdin..." goes. */
  notice: (line: string) => void;
  /** How long to wait for piped data before saying it is being waited for. Default 1 s. */
  noticeAfterMs?: number;
}

async function readAll(stdin: InputStream, onFirstWait?: () => void, waitMs = 1000): Promise<string> {
  const chunks: Buffer[] = [];
  const timer = onFirstWait ? setTimeout(onFirstWait, waitMs) : undefined;
  timer?.unref?.();
  try {
    for await (const chunk of stdin) {
      if (timer) clearTimeout(timer);
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    }
  } finally {
    if (timer) clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function resolvePrompt(arg: string | undefined, io: PromptIO): Promise<string> {
  if (arg !== undefined && arg !== "-") {
    if (io.stdin.isTTY) return arg;
    // Said once data arrives, or when the pipe stays silent (a parent that never closes stdin hangs here;
    // `< /dev/null` is the cure), so an empty pipe adds nothing, not even a line.
    let said = false;
    const say = () => {
      if (!said) io.notice("Reading additional input from stdin...");
      said = true;
    };
    const text = await readAll(io.stdin, say, io.noticeAfterMs);
    if (!text.trim()) return arg;
    say();
    return `${arg}\n\n<stdin>\n${text.replace(/\n$/, "")}\n</stdin>`;
  }
  if (io.stdin.isTTY) {
    throw new UserError(
      "No prompt provided. Either specify one as an argument or pipe the prompt into stdin.",
    );
  }
  const text = (await readAll(io.stdin)).trim();
  if (!text) throw new UserError("No prompt provided: stdin was empty.");
  return text;
}
