/**
 * Which region a chat's content may go to: "eu" (EU origins and EU processors only) or "global".
 *
 * Telegram never says where a user is: webhooks come from Telegram's own servers, so
 * `request.cf.country` describes Amsterdam, not the user. The only signal is the optional
 * `language_code` of the user's Telegram interface, and that is a hint, not a location. So the
 * region is decided once, at a chat's first contact, by a documented and configurable policy,
 * then stored with the chat and kept: a later message in another language never moves it. The
 * user can change it with /region.
 *
 * The "by-language" policy errs toward protection: an official language of an EU/EEA country
 * means "eu", even when the speaker lives elsewhere (a Spanish speaker in Mexico, a Portuguese
 * speaker in Brazil). EU treatment only restricts where the chat's content goes, so a wrong
 * "eu" costs at most some capacity, while a wrong "global" would send an EU resident's data
 * outside the EU. English is deliberately not an EU signal: it would pull most of the world in.
 */

export type Residency = "eu" | "global";

/** `all-eu` pins every chat to the EU (an operator switch); `by-language` uses the hint. */
export type ResidencyPolicy = "all-eu" | "by-language";

/**
 * ISO 639-1 codes that mean "eu" under the by-language policy: the official languages of the EU
 * (English excepted, see above), the EEA's Icelandic and Norwegian (`no`, `nb`, `nn`), and the
 * co-official regional languages Catalan, Basque, Galician and Luxembourgish.
 */
export const EU_LANGUAGE_CODES: readonly string[] = [
  // EU official languages, English excluded.
  "bg", "cs", "da", "de", "el", "es", "et", "fi", "fr", "ga", "hr", "hu", "it",
  "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
  // EEA: Iceland and Norway.
  "is", "no", "nb", "nn",
  // Regional languages with official status in member states.
  "ca", "eu", "gl", "lb",
];

const EU_LANGUAGES: ReadonlySet<string> = new Set(EU_LANGUAGE_CODES);

/**
 * The primary language subtag of a code or tag, lower-cased: `"pt-BR"` → `"pt"`,
 * `"de_AT"` → `"de"`. Undefined for an empty value.
 */
function primarySubtag(code: string | undefined): string | undefined {
  const primary = code?.trim().toLowerCase().split(/[-_]/)[0];
  return primary === undefined || primary === "" ? undefined : primary;
}

/**
 * True when a language code counts as an EU signal. Region tags are ignored on purpose:
 * `pt-br` is still Portuguese and still "eu" (see the module comment for why).
 */
export function isEuLanguage(code: string | undefined): boolean {
  const primary = primarySubtag(code);
  return primary !== undefined && EU_LANGUAGES.has(primary);
}

/**
 * The residency for a chat at first contact. Call it once and store the answer; never re-decide
 * it per message. A missing `languageCode` (Telegram omits it for some users) means "global"
 * under by-language, and "eu" under all-eu as always.
 */
export function decideResidency(input: {
  languageCode?: string | undefined;
  policy: ResidencyPolicy;
}): Residency {
  if (input.policy === "all-eu") return "eu";
  return isEuLanguage(input.languageCode) ? "eu" : "global";
}

/** Parses a /region argument (`eu`, `EU`, `global`); undefined for anything else. */
export function parseResidency(value: string | undefined): Residency | undefined {
  const normalized = value?.trim().toLowerCase();
  return normalized === "eu" || normalized === "global" ? normalized : undefined;
}
