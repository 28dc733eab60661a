// Renders Telegram text with entities as DOM nodes, the way a Telegram client draws a message.
// Offsets and lengths are UTF-16 code units, which are JavaScript string indices.

/** @typedef {{ type: string, offset: number, length: number, url?: string, language?: string }} Entity */

/**
 * @param {Entity} entity
 * @returns {HTMLElement}
 */
function elementFor(entity, text) {
  switch (entity.type) {
    case "bold":
      return document.createElement("strong");
    case "italic":
      return document.createElement("em");
    case "underline":
      return document.createElement("u");
    case "strikethrough":
      return document.createElement("s");
    case "spoiler": {
      const span = document.createElement("span");
      span.className = "spoiler";
      span.title = "Show spoiler";
      span.addEventListener("click", () => span.classList.add("revealed"));
      return span;
    }
    case "code":
      return document.createElement("code");
    case "pre": {
      const pre = document.createElement("pre");
      if (entity.language) {
        const label = document.createElement("div");
        label.className = "pre-lang";
        label.textContent = entity.language;
        pre.append(label);
      }
      return pre;
    }
    case "blockquote":
    case "expandable_blockquote": {
      const quote = document.createElement("blockquote");
      if (entity.type === "expandable_blockquote") quote.className = "expandable";
      return quote;
    }
    case "text_link":
    case "url":
    case "email": {
      const link = document.createElement("a");
      const shown = text.slice(entity.offset, entity.offset + entity.length);
      link.href = entity.type === "text_link" ? entity.url : entity.type === "email" ? `mailto:${shown}` : shown;
      link.target = "_blank";
      link.rel = "noreferrer";
      return link;
    }
    default: {
      const span = document.createElement("span");
      span.className = `entity-${entity.type}`;
      return span;
    }
  }
}

/**
 * Builds the DOM for `text` with `entities` (nested entities become nested elements).
 * @param {string} text
 * @param {Entity[]} entities
 * @returns {DocumentFragment}
 */
export function renderEntities(text, entities) {
  const sorted = [...(entities ?? [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  build(fragment, text, sorted, 0, text.length);
  return fragment;
}

const BLOCKS = new Set(["PRE", "BLOCKQUOTE"]);

/**
 * Appends text[start, end) to `parent`, wrapping the entities that lie inside. Like Telegram's
 * clients, a block (pre, blockquote) absorbs one line break on each side.
 */
function build(parent, text, entities, start, end) {
  let position = start;
  let index = 0;
  let afterBlock = false;
  const appendText = (from, to, beforeBlock) => {
    let chunk = text.slice(from, to);
    if (afterBlock && chunk.startsWith("\n")) chunk = chunk.slice(1);
    if (beforeBlock && chunk.endsWith("\n")) chunk = chunk.slice(0, -1);
    if (chunk !== "") parent.append(chunk);
  };
  while (index < entities.length) {
    const entity = entities[index];
    const entityEnd = Math.min(end, entity.offset + entity.length);
    const inner = [];
    index += 1;
    while (index < entities.length && entities[index].offset < entityEnd) {
      inner.push(entities[index]);
      index += 1;
    }
    const element = elementFor(entity, text);
    const isBlock = BLOCKS.has(element.tagName);
    if (entity.offset > position) appendText(position, entity.offset, isBlock);
    const holder = element.tagName === "PRE" ? element.appendChild(document.createElement("code")) : element;
    build(holder, text, inner, Math.max(entity.offset, position), entityEnd);
    parent.append(element);
    position = Math.max(position, entityEnd);
    afterBlock = isBlock;
  }
  if (position < end) appendText(position, end, false);
}
