// A minimal LiteLLM-like gateway for start-up benchmarks: it notes when each chat request arrives (the
// `request` event fires once the request line and headers, the first bytes on the wire, are parsed), reads
// the body whatever its size, and answers with a short streamed answer so the run ends normally. Discovery
// routes answer like LiteLLM, so the first run fills the model-info cache and later runs start warm.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface BenchGateway {
  origin: string;
  /** Called with `performance.now()` when a chat request's headers arrive. */
  onChat?: (at: number) => void;
  /** Body sizes of the chat requests received so far. */
  chatBodies: number[];
  close(): Promise<void>;
}

const MODELS = JSON.stringify({
  object: "list",
  data: [{ id: "m", object: "model", created: 0, owned_by: "b" }],
});
const GROUP_INFO = JSON.stringify({
  data: [{ model_group: "m", max_input_tokens: 200_000, max_output_tokens: 16_384 }],
});

function chunk(fields: object): string {
  const base = { id: "chatcmpl-bench", created: 0, model: "m", object: "chat.completion.chunk" };
  return `data: ${JSON.stringify({ ...base, ...fields })}\n\n`;
}

const ANSWER =
  chunk({ choices: [{ index: 0, delta: { role: "assistant", content: "ok" } }] }) +
  chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) +
  chunk({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 } }) +
  "data: [DONE]\n\n";

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export async function startBenchGateway(): Promise<BenchGateway> {
  const gateway: BenchGateway = {
    origin: "",
    chatBodies: [],
    close: async () => {},
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const chat = req.method === "POST" && url.includes("/chat/completions");
    if (chat) gateway.onChat?.(performance.now());
    let bytes = 0;
    req.on("data", (d: Buffer) => {
      bytes += d.length;
    });
    req.on("end", () => {
      if (chat) {
        gateway.chatBodies.push(bytes);
        send(res, "text/event-stream", ANSWER);
      } else if (url.includes("/models")) send(res, "application/json", MODELS);
      else if (url.includes("/info")) send(res, "application/json", GROUP_INFO);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  gateway.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return gateway;
}
