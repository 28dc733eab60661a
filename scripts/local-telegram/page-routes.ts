/**
 * The chat page's HTTP side: static files, a state snapshot, the actions a person takes (write,
 * stop a draft, press a button) and a Server-Sent Events stream of changes. The page goes through
 * the same simulated-user functions as tests do.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import { commandsFor } from "./commands";
import type { Core } from "./core";
import { SimulationError } from "./errors";
import type { LiveEvent } from "./live-events";
import { PRESET_CHATS, PRESET_USERS } from "./presets";
import { pressButton, pressDraftStop, sendUserMessage } from "./simulated-users";

const PAGE_DIR = join(import.meta.dirname, "page");
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};

const sendSchema = z.object({
  chatId: z.number().int(),
  threadId: z.number().int().optional(),
  userId: z.number().int().optional(),
  text: z.string(),
  replyToMessageId: z.number().int().optional(),
});
const stopSchema = z.object({ chatId: z.number().int(), draftId: z.number().int(), threadId: z.number().int().optional() });
const buttonSchema = z.object({ chatId: z.number().int(), messageId: z.number().int(), data: z.string(), userId: z.number().int().optional() });

/** One entry of the page's chat list (a forum gives one entry per topic). */
interface ChatEntry {
  chatId: number;
  threadId?: number;
  type: string;
  label: string;
  members: number[];
}

function chatEntries(core: Core): ChatEntry[] {
  const entries: ChatEntry[] = [];
  for (const preset of PRESET_CHATS) {
    if (preset.type === "private") {
      const user = PRESET_USERS.find((u) => u.id === preset.chatId);
      entries.push({ chatId: preset.chatId, type: "private", label: `${preset.title} (private, ${user?.language_code ?? "en"})`, members: preset.members });
    } else if (preset.topics === undefined) {
      entries.push({ chatId: preset.chatId, type: preset.type, label: `${preset.title} (group)`, members: preset.members });
    } else {
      for (const topic of preset.topics) {
        entries.push({ chatId: preset.chatId, threadId: topic.id, type: preset.type, label: `${preset.title} › ${topic.name}`, members: preset.members });
      }
    }
  }
  for (const record of core.store.chats.values()) {
    if (PRESET_CHATS.some((p) => p.chatId === record.chat.id)) continue;
    const name = record.chat.title ?? record.chat.first_name ?? String(record.chat.id);
    entries.push({ chatId: record.chat.id, type: record.chat.type, label: `${name} (${record.chat.type})`, members: record.chat.type === "private" ? [record.chat.id] : [] });
  }
  return entries;
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

/**
 * The page and its `/ui/*` endpoints. `closers` receives one function per open event stream, so
 * closing the server can end them.
 */
export function pageRoutes(core: Core, closers: Set<() => void>): Hono {
  const app = new Hono();

  const serveFile = async (name: string): Promise<Response> => {
    const extension = name.split(".").pop() ?? "";
    const type = CONTENT_TYPES[extension];
    if (type === undefined || !/^[a-z-]+\.[a-z]+$/.test(name)) return new Response("Not Found", { status: 404 });
    try {
      return new Response(await readFile(join(PAGE_DIR, name)), { headers: { "content-type": type, "cache-control": "no-store" } });
    } catch {
      return new Response("Not Found", { status: 404 });
    }
  };
  app.get("/", () => serveFile("index.html"));
  app.get("/page/:file", (c) => serveFile(c.req.param("file")));

  app.get("/ui/state", (c) =>
    c.json({ bot: core.store.bot, users: [...core.store.users.values()], chats: chatEntries(core) }),
  );

  app.get("/ui/chat", (c) => {
    const chatId = Number(c.req.query("chatId"));
    const threadParam = c.req.query("threadId");
    const threadId = threadParam === undefined || threadParam === "" ? undefined : Number(threadParam);
    const user = core.store.users.get(Number(c.req.query("userId")));
    const record = core.store.chats.get(chatId);
    const preset = PRESET_CHATS.find((p) => p.chatId === chatId);
    const type = record?.chat.type ?? preset?.type ?? "private";
    const messages = [...(record?.messages.values() ?? [])].filter((m) => m.threadId === threadId);
    const drafts = core.store.draftsOf(chatId, core.now()).filter((d) => d.threadId === threadId);
    return c.json({ messages, drafts, commands: commandsFor(core.store, chatId, type, user?.language_code ?? "") });
  });

  const act = async (request: Request, run: (body: unknown) => unknown): Promise<Response> => {
    try {
      return Response.json(run(await readJson(request)));
    } catch (error) {
      if (error instanceof SimulationError || error instanceof z.ZodError) return Response.json({ error: error.message }, { status: 400 });
      throw error;
    }
  };
  app.post("/ui/send", (c) =>
    act(c.req.raw, (body) => {
      const input = sendSchema.parse(body);
      const from = input.userId === undefined ? undefined : { id: input.userId };
      return sendUserMessage(core, {
        chatId: input.chatId,
        text: input.text,
        ...(input.threadId === undefined ? {} : { forumTopicId: input.threadId }),
        ...(from === undefined ? {} : { from }),
        ...(input.replyToMessageId === undefined ? {} : { replyToMessageId: input.replyToMessageId }),
      });
    }),
  );
  app.post("/ui/stop", (c) =>
    act(c.req.raw, (body) => {
      const input = stopSchema.parse(body);
      return pressDraftStop(core, input.chatId, input.draftId, input.threadId);
    }),
  );
  app.post("/ui/button", (c) =>
    act(c.req.raw, (body) => {
      const input = buttonSchema.parse(body);
      return pressButton(core, input.chatId, input.messageId, input.data, input.userId === undefined ? undefined : { id: input.userId });
    }),
  );

  app.get("/ui/events", () => {
    const encoder = new TextEncoder();
    let stop = (): void => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (chunk: string): void => {
          try {
            controller.enqueue(encoder.encode(chunk));
          } catch {
            stop();
          }
        };
        const unsubscribe = core.events.subscribe((event: LiveEvent) => send(`data: ${JSON.stringify(event)}\n\n`));
        const heartbeat = setInterval(() => send(": ping\n\n"), 15_000);
        stop = () => {
          unsubscribe();
          clearInterval(heartbeat);
          closers.delete(end);
        };
        const end = (): void => {
          stop();
          try {
            controller.close();
          } catch {
            // Already closed by the client.
          }
        };
        closers.add(end);
        send(": connected\n\n");
      },
      cancel() {
        stop();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-store" } });
  });

  return app;
}
