import { exports } from "cloudflare:workers";
import { it, expect } from "vitest";
it("reaches node", async () => {
  const r = await exports.default.fetch("http://x/");
  expect(await r.text()).toBe("hello from node /x undefined");
});
