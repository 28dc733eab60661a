import { describe, expect, it } from "vitest";
import {
  EU_LANGUAGE_CODES,
  decideResidency,
  isEuLanguage,
  parseResidency,
} from "../../worker/chat/residency";

describe("decideResidency", () => {
  it("pins every chat to the EU under the all-eu policy", () => {
    expect(decideResidency({ languageCode: "ja", policy: "all-eu" })).toBe("eu");
    expect(decideResidency({ policy: "all-eu" })).toBe("eu");
  });

  it("treats EU and EEA languages as EU under by-language", () => {
    for (const code of ["de", "fr", "pl", "sv", "is", "nb", "ca", "lb"]) {
      expect(decideResidency({ languageCode: code, policy: "by-language" })).toBe("eu");
    }
  });

  it("does not treat English as an EU signal", () => {
    expect(decideResidency({ languageCode: "en", policy: "by-language" })).toBe("global");
    expect(EU_LANGUAGE_CODES).not.toContain("en");
  });

  it("keeps Brazilian Portuguese and Mexican Spanish in the EU (erring toward protection)", () => {
    expect(decideResidency({ languageCode: "pt-br", policy: "by-language" })).toBe("eu");
    expect(decideResidency({ languageCode: "es-MX", policy: "by-language" })).toBe("eu");
  });

  it("sends other languages and a missing hint to global", () => {
    expect(decideResidency({ languageCode: "ru", policy: "by-language" })).toBe("global");
    expect(decideResidency({ languageCode: "zh-hans", policy: "by-language" })).toBe("global");
    expect(decideResidency({ policy: "by-language" })).toBe("global");
    expect(decideResidency({ languageCode: "", policy: "by-language" })).toBe("global");
  });
});

describe("isEuLanguage", () => {
  it("reads the primary subtag in any case or separator", () => {
    expect(isEuLanguage("DE_at")).toBe(true);
    expect(isEuLanguage("eu")).toBe(true); // Basque
    expect(isEuLanguage("uk")).toBe(false);
  });
});

describe("parseResidency", () => {
  it("accepts eu and global in any case", () => {
    expect(parseResidency(" EU ")).toBe("eu");
    expect(parseResidency("global")).toBe("global");
    expect(parseResidency("us")).toBeUndefined();
    expect(parseResidency(undefined)).toBeUndefined();
  });
});
