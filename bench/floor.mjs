// The least a Node.js client can do with a Chat Completions stream: node:http, eventsource-parser and
// JSON.parse per event, the answer's text appended. `npm run bench` times it on the same stream as exec, as
// the floor any Node client built from these parts stands on. Usage: node bench/floor.mjs <base-url> <body>
import { request } from "node:http";
import { createParser } from "eventsource-parser";

const [baseUrl, body] = process.argv.slice(2);
const req = request(
  `${baseUrl}/chat/completions`,
  {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
  },
  async (res) => {
    let text = "";
    const parser = createParser({
      onEvent(event) {
        if (event.data === "[DONE]") return;
        const delta = JSON.parse(event.data).choices?.[0]?.delta?.content;
        if (delta) text += delta;
      },
    });
    res.setEncoding("utf8");
    for await (const piece of res) parser.feed(piece);
    process.stdout.write(`${text.length}\n`);
  },
);
req.end(body);
