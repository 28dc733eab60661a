import { it, expect } from "vitest";
it("adds", () => { expect(1 + 1).toBe(2); });
