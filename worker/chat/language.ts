/**
 * Which language a message is written in, so the model can be told "Reply in German" and the
 * bot's own texts can be picked.
 *
 * Order of evidence:
 * 1. Script. Kana means Japanese, Hangul Korean, Han (without kana) Chinese: unambiguous and
 *    reliable even for two characters, so it wins whenever those scripts carry the text.
 * 2. tinyld's n-gram detector, when the text has enough letters (short texts are guesswork:
 *    "ok", "hi", "Hallo" match several languages) and its top guess clearly beats the runner-up.
 * 3. The user's Telegram `language_code`, a hint about their interface language.
 * 4. A weak detector guess when there is no hint at all, else English.
 *
 * We use tinyld's default ("normal") build, not `tinyld/light`: light is 34 KB gzipped against
 * 251 KB, but it knows only 24 languages (no Ukrainian: it calls Ukrainian text Russian) and is
 * much weaker on short messages ("merci beaucoup" → Italian). Its ESM build has no Node imports.
 * Module start-up costs about 100 ms once per isolate (parsing its profiles).
 */

import { detectAll, langName, toISO3 } from "tinyld";
import { toUiLanguage, type UiLanguage } from "./i18n";

export interface DetectedLanguage {
  /** ISO 639-1 code of the text (or of the hint), e.g. `"de"`. */
  code: string;
  /** The interface language to answer with. */
  ui: UiLanguage;
  /** What decided `code`. */
  source: "text" | "hint" | "default";
}

/** Below this many letters the detector is not trusted over a hint. */
export const MIN_LETTERS_FOR_DETECTION = 12;

/** The detector's top guess must score at least this many times the runner-up. */
const CONFIDENCE_MARGIN = 2;

/** Longer texts are cut before detection: the first few hundred letters decide anyway. */
const MAX_DETECTION_CHARS = 1000;

/** Parts of a message that are not its language: code, links, mentions, commands, e-mails. */
const NOISE = [
  /```[\s\S]*?```/g,
  /`[^`\n]*`/g,
  /\bhttps?:\/\/\S+/gi,
  /\S+@\S+\.\S+/g,
  /(^|\s)[@/][\w@]+/g,
];

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HANGUL = /\p{Script=Hangul}/gu;
const HAN = /\p{Script=Han}/gu;
const LETTER = /\p{L}/gu;
const CJK_ANY = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

function stripNoise(text: string): string {
  return NOISE.reduce((t, re) => t.replace(re, " "), text).slice(0, MAX_DETECTION_CHARS);
}

/** Primary subtag of a Telegram `language_code` such as `"pt-br"`; undefined if not a language. */
function hintCode(languageCode: string | undefined): string | undefined {
  const primary = languageCode?.trim().toLowerCase().split(/[-_]/)[0];
  return primary !== undefined && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/**
 * A CJK language decided by script, or undefined. A CJK character carries about a word, so it
 * weighs as much as three Latin letters: "What does 你好 mean?" stays English,
 * "我想学习 Python 编程" is Chinese.
 */
function detectByScript(text: string, hint: string | undefined): string | undefined {
  const kana = count(text, KANA);
  const hangul = count(text, HANGUL);
  const han = count(text, HAN);
  const letters = count(text, LETTER);
  const cjk = kana + hangul + han;
  if (cjk === 0 || cjk * 3 < letters - cjk) return undefined;
  if (kana > 0) return "ja";
  if (hangul >= han) return "ko";
  // Kanji without kana ("東京") looks Chinese; a Japanese interface tips it.
  return hint === "ja" ? "ja" : "zh";
}

/** tinyld's guess and whether it is clear enough to beat a hint. */
function detectByModel(text: string): { code: string; confident: boolean } | undefined {
  const [top, second] = detectAll(text);
  if (top === undefined) return undefined;
  const clear = second === undefined || top.accuracy >= CONFIDENCE_MARGIN * second.accuracy;
  return { code: top.lang, confident: clear };
}

/**
 * The language of `text`, falling back to the Telegram `language_code` hint for short or
 * ambiguous texts (emoji, "ok", "hi"), then to English.
 */
export function detectLanguage(text: string, languageCode?: string): DetectedLanguage {
  const hint = hintCode(languageCode);
  const clean = stripNoise(text);
  const decide = (code: string, source: DetectedLanguage["source"]): DetectedLanguage => ({
    code,
    ui: toUiLanguage(code) ?? toUiLanguage(hint) ?? "en",
    source,
  });

  const byScript = detectByScript(clean, hint);
  if (byScript !== undefined) return decide(byScript, "text");

  // A few CJK characters in another language's text would make tinyld answer "zh".
  const rest = clean.replace(CJK_ANY, " ");
  const letters = count(rest, LETTER);
  const guess = letters > 0 ? detectByModel(rest) : undefined;
  if (guess?.confident === true && letters >= MIN_LETTERS_FOR_DETECTION) {
    return decide(guess.code, "text");
  }
  if (hint !== undefined) return decide(hint, "hint");
  if (guess !== undefined) return decide(guess.code, "text");
  return decide("en", "default");
}

/** English names where tinyld has none, or a name better suited to "Reply in …". */
const EXTRA_NAMES: Readonly<Record<string, string>> = {
  zh: "Chinese",
  no: "Norwegian",
  nb: "Norwegian",
  nn: "Norwegian",
  ca: "Catalan",
  eu: "Basque",
  gl: "Galician",
  lb: "Luxembourgish",
  mt: "Maltese",
  sl: "Slovenian",
  hr: "Croatian",
  bs: "Bosnian",
  sq: "Albanian",
  az: "Azerbaijani",
  uz: "Uzbek",
  ka: "Georgian",
  ms: "Malay",
  fa: "Persian",
  sw: "Swahili",
  cy: "Welsh",
};

/**
 * The English name of a language code (`"de"` → `"German"`), for the system prompt's
 * "Reply in German". Unknown codes come back unchanged, which the model still understands.
 */
export function languageName(code: string): string {
  const primary = hintCode(code) ?? code;
  const extra = EXTRA_NAMES[primary];
  if (extra !== undefined) return extra;
  const name = langName(toISO3(primary));
  return name === "" ? primary : name;
}
