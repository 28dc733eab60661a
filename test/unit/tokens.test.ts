import { describe, expect, it } from "vitest";
import {
  MAX_RATIO,
  MIN_RATIO,
  correctedEstimate,
  estimateMessageTokens,
  estimateTokens,
  updateRatio,
} from "../../worker/model/tokens";

describe("estimateTokens", () => {
  it("counts about four ASCII characters per token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("The quick brown fox jumps over the lazy dog.")).toBe(11);
  });

  it("counts one token per Chinese or Japanese character", () => {
    expect(estimateTokens("你好世界")).toBe(4);
    expect(estimateTokens("こんにちは")).toBe(5);
  });

  it("counts Cyrillic denser than ASCII", () => {
    const russian = "Привет, как дела?";
    expect(estimateTokens(russian)).toBeGreaterThan(estimateTokens("Hello, how are you"));
  });

  it("counts emoji as byte-split symbols", () => {
    expect(estimateTokens("👍")).toBe(2);
  });

  it("adds framing per message", () => {
    expect(estimateMessageTokens({ content: "abcd" })).toBe(5);
  });
});

describe("correctedEstimate", () => {
  it("scales by the ratio and rounds up", () => {
    expect(correctedEstimate(100, 1.25)).toBe(125);
    expect(correctedEstimate(10, 1.01)).toBe(11);
  });

  it("clamps a corrupt ratio", () => {
    expect(correctedEstimate(100, 10)).toBe(200);
    expect(correctedEstimate(100, Number.NaN)).toBe(100);
  });
});

describe("updateRatio", () => {
  it("converges on the origin's reported usage", () => {
    let ratio = 1;
    for (let i = 0; i < 30; i++) ratio = updateRatio(ratio, 1000, 1300);
    expect(ratio).toBeCloseTo(1.3, 3);
  });

  it("moves only part of the way on one sample", () => {
    const ratio = updateRatio(1, 1000, 1500);
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.5);
  });

  it("stays within [0.5, 2] whatever the samples", () => {
    let ratio = 1;
    for (let i = 0; i < 50; i++) ratio = updateRatio(ratio, 10, 1000);
    expect(ratio).toBeLessThanOrEqual(MAX_RATIO);
    expect(ratio).toBeCloseTo(MAX_RATIO, 3);
    for (let i = 0; i < 50; i++) ratio = updateRatio(ratio, 1000, 1);
    expect(ratio).toBeGreaterThanOrEqual(MIN_RATIO);
    expect(ratio).toBeCloseTo(MIN_RATIO, 3);
  });

  it("ignores nonsense samples", () => {
    expect(updateRatio(1.2, 0, 500)).toBe(1.2);
    expect(updateRatio(1.2, 500, 0)).toBe(1.2);
    expect(updateRatio(1.2, Number.NaN, 500)).toBe(1.2);
  });
});
