/**
 * The circuit breaker's state machine, with time as an argument: closed → open after N failures
 * in a row, open → half-open after the cool-down, one trial, then closed or open again.
 */
import { describe, expect, it } from "vitest";
import {
  breakerAllows,
  breakerAttempt,
  breakerFailure,
  breakerPhase,
  breakerSuccess,
  closedBreaker,
} from "../../worker/model/circuit-breaker";
import type { BreakerState } from "../../worker/model/circuit-breaker";

const opts = { failureThreshold: 3, cooldownMs: 10_000 };

function failTimes(state: BreakerState, times: number, at: number): BreakerState {
  let s = state;
  for (let i = 0; i < times; i++) s = breakerFailure(s, at, opts);
  return s;
}

describe("circuit breaker", () => {
  it("stays closed below the threshold and lets requests through", () => {
    const s = failTimes(closedBreaker(), 2, 1000);
    expect(s).toEqual({ state: "closed", failures: 2 });
    expect(breakerAllows(s, 1000, opts)).toBe(true);
  });

  it("opens at the threshold and refuses requests during the cool-down", () => {
    const s = failTimes(closedBreaker(), 3, 1000);
    expect(s).toMatchObject({ state: "open", openedAt: 1000 });
    expect(breakerPhase(s, 1000 + 9_999, opts)).toBe("open");
    expect(breakerAllows(s, 1000 + 9_999, opts)).toBe(false);
  });

  it("a success in between resets the count", () => {
    let s = failTimes(closedBreaker(), 2, 1000);
    s = breakerSuccess(s);
    s = failTimes(s, 2, 2000);
    expect(s.state).toBe("closed");
  });

  it("turns half-open after the cool-down and lets exactly one trial through", () => {
    const open = failTimes(closedBreaker(), 3, 1000);
    const later = 1000 + 10_000;
    expect(breakerPhase(open, later, opts)).toBe("half-open");
    expect(breakerAllows(open, later, opts)).toBe(true);
    const trial = breakerAttempt(open, later, opts);
    expect(trial).toMatchObject({ state: "half-open", trialAt: later });
    expect(breakerAllows(trial, later + 100, opts)).toBe(false);
  });

  it("closes when the trial succeeds", () => {
    const trial = breakerAttempt(failTimes(closedBreaker(), 3, 0), 10_000, opts);
    const closed = breakerSuccess(trial);
    expect(closed).toEqual({ state: "closed", failures: 0 });
    expect(breakerAllows(closed, 10_001, opts)).toBe(true);
  });

  it("opens for a full new cool-down when the trial fails", () => {
    const trial = breakerAttempt(failTimes(closedBreaker(), 3, 0), 10_000, opts);
    const reopened = breakerFailure(trial, 10_500, opts);
    expect(reopened).toMatchObject({ state: "open", openedAt: 10_500 });
    expect(breakerAllows(reopened, 10_500 + 9_999, opts)).toBe(false);
    expect(breakerAllows(reopened, 10_500 + 10_000, opts)).toBe(true);
  });

  it("lets another trial through when the last one's outcome never came back", () => {
    const trial = breakerAttempt(failTimes(closedBreaker(), 3, 0), 10_000, opts);
    expect(breakerAllows(trial, 19_999, opts)).toBe(false);
    expect(breakerAllows(trial, 20_000, opts)).toBe(true);
  });

  it("does not extend the cool-down for a late failure of a request sent before it opened", () => {
    const open = failTimes(closedBreaker(), 3, 1000);
    const late = breakerFailure(open, 5000, opts);
    expect(late).toMatchObject({ state: "open", openedAt: 1000, failures: 4 });
  });

  it("marks no trial while closed", () => {
    const s = closedBreaker();
    expect(breakerAttempt(s, 5, opts)).toBe(s);
  });
});
