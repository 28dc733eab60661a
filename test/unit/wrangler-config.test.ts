/**
 * The deployed environments in wrangler.toml: what a typo there would silently break.
 */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

type Toml = Record<string, unknown>;
const config = parse(readFileSync("wrangler.toml", "utf8")) as Toml;
const envs = config.env as Record<string, Toml>;

describe("wrangler.toml", () => {
  it.each(["staging", "production"])("%s keeps every chat's state in the EU jurisdiction", (name) => {
    const vars = envs[name]?.vars as Record<string, string>;
    expect(vars.CHAT_JURISDICTION).toBe("eu");
  });

  it.each(["staging", "production"])("%s talks to the real Telegram and has an EU origin", (name) => {
    const vars = envs[name]?.vars as Record<string, string>;
    expect(vars.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
    const origins = JSON.parse(vars.ORIGINS ?? "[]") as { region: string; url: string }[];
    expect(origins.some((o) => o.region === "eu")).toBe(true);
    for (const origin of origins) expect(origin.url).toMatch(/^https:\/\//);
  });

  it.each(["staging", "production"])("%s binds every Durable Object the top level binds", (name) => {
    const names = (bindings: unknown) =>
      ((bindings as { bindings?: { name: string; class_name: string }[] })?.bindings ?? []).map((b) => `${b.name}:${b.class_name}`).sort();
    expect(names(envs[name]?.durable_objects)).toEqual(names(config.durable_objects));
  });

  it("declares every Durable Object class in a SQLite migration", () => {
    const migrations = config.migrations as { new_sqlite_classes?: string[] }[];
    const declared = migrations.flatMap((m) => m.new_sqlite_classes ?? []);
    const bound = ((config.durable_objects as { bindings: { class_name: string }[] }).bindings).map((b) => b.class_name);
    for (const cls of bound) expect(declared).toContain(cls);
  });

  it("never lists nodejs_compat, which is on by default from 2026-08-04 and an error to list", () => {
    expect(config.compatibility_flags ?? []).not.toContain("nodejs_compat");
    expect(String(config.compatibility_date) >= "2026-08-04").toBe(true);
  });

  it("keeps secrets out of vars", () => {
    const text = readFileSync("wrangler.toml", "utf8");
    expect(text).not.toMatch(/^\s*TELEGRAM_BOT_TOKEN\s*=/m);
    expect(text).not.toMatch(/^\s*TELEGRAM_WEBHOOK_SECRET\s*=/m);
    expect(text).not.toMatch(/_API_KEY\s*=/m);
  });
});
