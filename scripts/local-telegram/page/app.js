// The chat page: a list of chats on the left, the selected chat on the right, live updates over
// Server-Sent Events from the local Telegram stand-in. No framework, no build step.
import { renderEntities } from "./render.js";

const DRAFT_LIFETIME_MS = 30_000;
const $ = (id) => document.getElementById(id);

const state = {
  bot: null,
  users: new Map(),
  chats: [],
  current: null,
  asUser: new Map(),
  drafts: new Map(),
  commands: [],
  unread: new Set(),
};

const entryKey = (chatId, threadId) => `${chatId}:${threadId ?? ""}`;
const isCurrent = (chatId, threadId) => state.current && state.current.chatId === chatId && (state.current.threadId ?? undefined) === (threadId ?? undefined);

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ?? response.statusText);
  return data;
}

function userIdFor(entry) {
  return entry.type === "private" ? entry.chatId : (state.asUser.get(entryKey(entry.chatId, entry.threadId)) ?? entry.members[0]);
}

function renderChatList() {
  const list = $("chat-list");
  list.replaceChildren(
    ...state.chats.map((entry) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "chat-item";
      const key = entryKey(entry.chatId, entry.threadId);
      if (state.current && key === entryKey(state.current.chatId, state.current.threadId)) item.classList.add("active");
      if (state.unread.has(key)) item.classList.add("unread");
      const avatar = document.createElement("span");
      avatar.className = `avatar ${entry.type}`;
      avatar.textContent = entry.label.slice(0, 1);
      const label = document.createElement("span");
      label.className = "chat-label";
      label.textContent = entry.label;
      item.append(avatar, label);
      item.addEventListener("click", () => selectChat(entry));
      return item;
    }),
  );
}

function renderUserPicker(entry) {
  const picker = $("as-user");
  $("as-user-label").hidden = entry.type === "private";
  picker.replaceChildren(
    ...entry.members.map((id) => {
      const option = document.createElement("option");
      option.value = String(id);
      option.textContent = state.users.get(id)?.first_name ?? String(id);
      return option;
    }),
  );
  picker.value = String(userIdFor(entry));
}

async function selectChat(entry) {
  state.current = entry;
  state.unread.delete(entryKey(entry.chatId, entry.threadId));
  $("chat-title").textContent = entry.label;
  $("chat-status").textContent = "";
  renderChatList();
  renderUserPicker(entry);
  await loadChat();
  $("composer-input").focus();
}

async function loadChat() {
  const entry = state.current;
  const query = new URLSearchParams({ chatId: String(entry.chatId), threadId: entry.threadId === undefined ? "" : String(entry.threadId), userId: String(userIdFor(entry)) });
  const data = await api(`/ui/chat?${query}`);
  if (state.current !== entry) return;
  $("messages").replaceChildren();
  for (const timer of state.drafts.values()) clearTimeout(timer);
  state.drafts.clear();
  for (const message of data.messages) upsertMessage(message);
  for (const draft of data.drafts) upsertDraft(draft);
  state.commands = data.commands;
}

function bubbleShell(kind) {
  const row = document.createElement("div");
  row.className = `row ${kind}`;
  const bubble = document.createElement("div");
  bubble.className = `bubble ${kind}`;
  row.append(bubble);
  return { row, bubble };
}

function scrollToEnd() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

function upsertMessage(message) {
  const box = $("messages");
  const existing = box.querySelector(`.row[data-message-id="${message.messageId}"]`);
  const { row, bubble } = bubbleShell(message.fromBot ? "bot" : "user");
  row.dataset.messageId = String(message.messageId);
  bubble.dataset.messageId = String(message.messageId);
  if (!message.fromBot && state.current.type !== "private") {
    const name = document.createElement("div");
    name.className = "sender";
    name.textContent = message.from.first_name;
    bubble.append(name);
  }
  if (message.replyToMessageId !== undefined) {
    const replied = box.querySelector(`.row[data-message-id="${message.replyToMessageId}"] .text`);
    const quote = document.createElement("div");
    quote.className = "reply-quote";
    quote.textContent = replied ? replied.textContent.slice(0, 80) : `message ${message.replyToMessageId}`;
    bubble.append(quote);
  }
  const text = document.createElement("div");
  text.className = "text";
  text.append(renderEntities(message.text, message.entities));
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = `${message.edits > 0 ? "edited " : ""}${new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
  bubble.append(text, meta);
  if (message.inlineKeyboard) bubble.append(renderKeyboard(message));
  if (existing) existing.replaceWith(row);
  else {
    box.append(row);
    scrollToEnd();
  }
}

function renderKeyboard(message) {
  const keyboard = document.createElement("div");
  keyboard.className = "keyboard";
  for (const buttons of message.inlineKeyboard) {
    const line = document.createElement("div");
    line.className = "keyboard-row";
    for (const button of buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      element.addEventListener("click", () => {
        if (button.url) window.open(button.url, "_blank", "noreferrer");
        else api("/ui/button", { chatId: message.chatId, messageId: message.messageId, data: button.callback_data, userId: userIdFor(state.current) }).catch(showToast);
      });
      line.append(element);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function draftVisible(draft) {
  return draft.status === "streaming" || (draft.status === "stopped" && draft.keepOnStop);
}

function upsertDraft(draft) {
  const key = String(draft.draftId);
  const box = $("messages");
  const existing = box.querySelector(`.row[data-draft-id="${key}"]`);
  clearTimeout(state.drafts.get(key));
  if (!draftVisible(draft)) {
    existing?.remove();
    return;
  }
  const { row, bubble } = bubbleShell("bot draft");
  row.dataset.draftId = key;
  bubble.dataset.draftId = key;
  const latest = draft.texts[draft.texts.length - 1] ?? "";
  const text = document.createElement("div");
  text.className = "text";
  if (latest === "") {
    text.classList.add("thinking");
    text.textContent = "Thinking…";
  } else text.append(renderEntities(latest, draft.entities));
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = draft.status === "stopped" ? "stopped" : "draft";
  bubble.append(text, meta);
  if (draft.canStop && draft.status === "streaming") {
    const stop = document.createElement("button");
    stop.type = "button";
    stop.className = "stop";
    stop.textContent = "Stop";
    stop.addEventListener("click", () => {
      stop.disabled = true;
      api("/ui/stop", { chatId: draft.chatId, draftId: draft.draftId, threadId: draft.threadId }).catch(showToast);
    });
    bubble.append(stop);
  }
  if (existing) existing.replaceWith(row);
  else box.append(row);
  scrollToEnd();
  state.drafts.set(key, setTimeout(() => row.remove(), DRAFT_LIFETIME_MS));
}

let statusTimer;
function showStatus(text, ms) {
  $("chat-status").textContent = text;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => ($("chat-status").textContent = ""), ms);
}

let toastTimer;
function showToast(messageOrError) {
  const toast = $("toast");
  toast.textContent = messageOrError instanceof Error ? messageOrError.message : messageOrError;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), 3000);
}

async function onEvent(event) {
  const threadOf = event.message?.threadId ?? event.draft?.threadId ?? event.threadId;
  switch (event.kind) {
    case "chat":
      await loadState();
      return;
    case "commands":
      if (state.current) await loadChat();
      return;
    case "callback-answer":
      if (event.text && event.chatId === state.current?.chatId) showToast(event.text);
      return;
  }
  if (!isCurrent(event.chatId, threadOf)) {
    if (event.kind === "message") {
      state.unread.add(entryKey(event.chatId, threadOf));
      renderChatList();
    }
    return;
  }
  if (event.kind === "message") {
    upsertMessage(event.message);
    if (event.message.fromBot) $("chat-status").textContent = "";
  } else if (event.kind === "deleted") $("messages").querySelector(`.row[data-message-id="${event.messageId}"]`)?.remove();
  else if (event.kind === "draft") upsertDraft(event.draft);
  else if (event.kind === "action") showStatus(`${state.bot.first_name} is ${event.action === "typing" ? "typing" : event.action.replaceAll("_", " ")}…`, 5000);
}

function renderCommandMenu() {
  const menu = $("command-menu");
  const value = $("composer-input").value;
  const matches = /^\/\w*$/.test(value) ? state.commands.filter((c) => `/${c.command}`.startsWith(value)) : [];
  menu.hidden = matches.length === 0;
  menu.replaceChildren(
    ...matches.map((command) => {
      const item = document.createElement("li");
      item.innerHTML = "<b></b><span></span>";
      item.firstChild.textContent = `/${command.command}`;
      item.lastChild.textContent = command.description;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        $("composer-input").value = `/${command.command} `;
        renderCommandMenu();
        $("composer-input").focus();
      });
      return item;
    }),
  );
}

async function send(event) {
  event.preventDefault();
  const input = $("composer-input");
  const text = input.value;
  if (text.trim() === "" || !state.current) return;
  input.value = "";
  renderCommandMenu();
  const entry = state.current;
  await api("/ui/send", { chatId: entry.chatId, threadId: entry.threadId, userId: userIdFor(entry), text }).catch((error) => {
    input.value = text;
    showToast(error);
  });
}

async function loadState() {
  const data = await api("/ui/state");
  state.bot = data.bot;
  state.users = new Map(data.users.map((u) => [u.id, u]));
  state.chats = data.chats;
  $("bot-name").textContent = `@${data.bot.username}`;
  renderChatList();
}

async function main() {
  await loadState();
  $("composer").addEventListener("submit", send);
  $("composer-input").addEventListener("input", renderCommandMenu);
  $("composer-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) send(event);
  });
  $("as-user").addEventListener("change", async (event) => {
    state.asUser.set(entryKey(state.current.chatId, state.current.threadId), Number(event.target.value));
    await loadChat();
  });
  const events = new EventSource("/ui/events");
  events.addEventListener("message", (message) => onEvent(JSON.parse(message.data)));
  if (state.chats[0]) await selectChat(state.chats[0]);
  document.body.dataset.ready = "true";
}

main().catch(showToast);
