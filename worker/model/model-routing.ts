/**
 * Which served model answers a message: a per-language adapter when one is configured, else the
 * origin's base model.
 *
 * vLLM serves LoRA adapters under their own names (`--lora-modules gpt-oss-20b-de-lora=...`), and
 * a request picks one with its `model` field. So per-language tuning is a name lookup, set with
 * MODEL_BY_LANGUAGE='{"de":"gpt-oss-20b-de-lora"}'. A language without an entry, or a message
 * whose language is unknown, uses the origin's own `model`. An origin that does not serve the
 * adapter answers 404; generate.ts then asks the same origin again with its base model.
 */

/** The primary subtag of a language code, lower-cased: `"de-AT"` → `"de"`. */
function primaryLanguage(code: string | undefined): string | undefined {
  const primary = code?.trim().toLowerCase().split(/[-_]/)[0];
  return primary === undefined || primary === "" ? undefined : primary;
}

/**
 * The model name to send for a message in `languageCode` to an origin whose base model is
 * `baseModel`.
 */
export function modelFor(
  languageCode: string | undefined,
  baseModel: string,
  byLanguage: Readonly<Record<string, string>>,
): string {
  const language = primaryLanguage(languageCode);
  if (language === undefined || !Object.hasOwn(byLanguage, language)) return baseModel;
  return byLanguage[language] ?? baseModel;
}
