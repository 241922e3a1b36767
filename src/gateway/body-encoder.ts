// Request bodies encoded once. A conversation only grows between compactions, and the messages of its settled
// part never change, so their UTF-8 bytes are kept and each request serialises only what came after them:
// in a long session JSON.stringify and encoding of the whole history were most of a request's own cost
// (~19 ms a request at 6 MB of history, ~150 ms at 40 MB). The bytes are those of
// `JSON.stringify(chatBody(request, options))`, always.
import type { HistoryItem } from "../protocol/items.ts";
import type { ModelRequest } from "../protocol/model.ts";
import { Utf8Writer } from "../util/utf8.ts";
import {
  type BodyOptions,
  bodyWith,
  ChatMessageBuilder,
  DEFAULT_REPLAY,
  outputsOf,
  type ReplayRules,
  systemMessage,
} from "./messages.ts";

/** Buffer size for encoded messages: a 40 MB body is a few dozen writes. */
const BODY_CHUNK_BYTES = 1 << 20;
/** Buffer size for the unsettled end of a body and its other members. */
const SMALL_CHUNK_BYTES = 1 << 16;
/** Small kept pieces are joined once this many have gathered, so a body stays a few hundred buffers. */
const JOIN_PIECES = 64;

/** The settled start of the last request's messages, encoded, with what encoding the rest needs of it. */
interface Prefix {
  replay: ReplayRules;
  /** The history items it was built from, compared by identity with the next request's. */
  items: HistoryItem[];
  /** `,{message}` for each settled message, in order. */
  chunks: Buffer[];
  /** Trailing small chunks not yet joined. */
  small: number;
  systemParts: string[];
  outputs: Map<string, string>;
  answered: Set<string>;
}

const MESSAGES = Symbol("messages");

function emptyPrefix(replay: ReplayRules): Prefix {
  return {
    replay,
    items: [],
    chunks: [],
    small: 0,
    systemParts: [],
    outputs: new Map(),
    answered: new Set(),
  };
}

/** One per gateway: it keeps the encoded start of the conversation it last sent. */
export class ChatBodyEncoder {
  private prefix: Prefix | undefined;

  /** The bytes of `JSON.stringify(chatBody(request, options))`, in chunks. */
  bytes(request: ModelRequest, options: BodyOptions): Buffer[] {
    const replay = options.replay ?? DEFAULT_REPLAY;
    const items = request.items;
    const prefix = this.reusable(items, replay) ?? emptyPrefix(replay);
    this.prefix = prefix;
    const from = prefix.items.length;
    const tailOutputs = outputsOf(items, from);
    const builder = new ChatMessageBuilder(
      replay,
      (id) => tailOutputs.get(id) ?? prefix.outputs.get(id),
      prefix.answered,
    );
    // How far the settled part reaches: items, messages, system parts and answered calls at that point.
    let settled: { items: number; messages: number; systemParts: number; answered: number } | undefined;
    for (let i = from; i < items.length; i++) {
      builder.add(items[i]);
      if (builder.settled())
        settled = {
          items: i + 1,
          messages: builder.messages.length,
          systemParts: builder.systemParts.length,
          answered: builder.answered.length,
        };
    }
    builder.closeGroup();

    // The newly settled messages join the kept prefix before this body is written.
    const messages = builder.messages;
    if (settled) {
      const writer = new Utf8Writer(BODY_CHUNK_BYTES);
      for (let m = 0; m < settled.messages; m++)
        writer.write(`,${JSON.stringify(builder.finish(messages[m]))}`);
      keep(prefix, writer.end());
      for (let i = from; i < settled.items; i++) prefix.items.push(items[i]);
      for (const [id, text] of outputsOf(items, from, settled.items)) prefix.outputs.set(id, text);
      prefix.systemParts.push(...builder.systemParts.slice(0, settled.systemParts));
      for (const id of builder.answered.slice(0, settled.answered)) prefix.answered.add(id);
    }

    const system = systemMessage(request.instructions, [
      ...prefix.systemParts,
      ...builder.systemParts.slice(settled?.systemParts ?? 0),
    ]);
    const head = new Utf8Writer(SMALL_CHUNK_BYTES);
    const rest = new Utf8Writer(SMALL_CHUNK_BYTES);
    let out = head;
    let separator = "{";
    for (const [key, value] of Object.entries(bodyWith(request, options, MESSAGES))) {
      // As JSON.stringify: members whose value is undefined are left out.
      if (value === undefined) continue;
      out.write(`${separator}${JSON.stringify(key)}:`);
      separator = ",";
      if (value !== MESSAGES) {
        out.write(JSON.stringify(value));
        continue;
      }
      head.write(`[${JSON.stringify(system)}`);
      out = rest;
      for (let m = settled?.messages ?? 0; m < messages.length; m++)
        rest.write(`,${JSON.stringify(builder.finish(messages[m]))}`);
      rest.write("]");
    }
    out.write("}");
    return [...head.end(), ...prefix.chunks, ...rest.end()];
  }

  /** The kept prefix when `items` continue it under the same rules; otherwise it is dropped. */
  private reusable(items: readonly HistoryItem[], replay: ReplayRules): Prefix | undefined {
    const prefix = this.prefix;
    if (!prefix || prefix.items.length > items.length) return undefined;
    if (
      prefix.replay.reasoningContentReplay !== replay.reasoningContentReplay ||
      prefix.replay.rawContentReplay !== replay.rawContentReplay
    )
      return undefined;
    for (let i = 0; i < prefix.items.length; i++) if (prefix.items[i] !== items[i]) return undefined;
    // A later output for a call the prefix already answered would change a kept message.
    for (let i = prefix.items.length; i < items.length; i++) {
      const item = items[i];
      if (item.type === "function_call_output" && prefix.answered.has(item.call_id)) return undefined;
    }
    return prefix;
  }
}

/**
 * Appends encoded chunks to the prefix. A chunk that fills little of its buffer is copied out so the rest of
 * the buffer can be freed; small chunks are joined now and then.
 */
function keep(prefix: Prefix, chunks: Buffer[]): void {
  for (const chunk of chunks) {
    const own = chunk.byteLength * 2 < chunk.buffer.byteLength ? Buffer.from(chunk) : chunk;
    prefix.chunks.push(own);
    prefix.small = own.byteLength < BODY_CHUNK_BYTES / 2 ? prefix.small + 1 : 0;
    if (prefix.small >= JOIN_PIECES) {
      const pieces = prefix.chunks.splice(prefix.chunks.length - prefix.small);
      const joined = Buffer.concat(pieces);
      prefix.chunks.push(joined);
      prefix.small = joined.byteLength < BODY_CHUNK_BYTES / 2 ? 1 : 0;
    }
  }
}

/** One request's body, encoded from scratch. */
export function chatBodyBytes(request: ModelRequest, options: BodyOptions): Buffer[] {
  return new ChatBodyEncoder().bytes(request, options);
}
