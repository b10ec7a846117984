import { describe, expect, it } from "vitest";
import { judgedInTime, TtlTiming } from "../src/suite/helpers.ts";

// The rule behind every TTL test of the suite: a run too slow to judge is repeated with longer TTLs;
// a run in time that fails is a failure. Slowness is simulated by a timing whose clock is pushed.

/** Blocks the thread for `ms`, as a loaded machine would between two awaits. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe("judgedInTime", () => {
  it("repeats a failed run that was too slow to judge, with TTLs and waits 5 times longer", async () => {
    const scales: number[] = [];
    await judgedInTime(async (timing) => {
      scales.push(timing.scale);
      const ttl = timing.ms(20);
      if (timing.scale === 1) {
        busy(ttl); // the run's own work took the whole TTL: a "still there" check may fail
        throw new Error("expired before the check");
      }
    });
    expect(scales).toEqual([1, 5]);
  });

  it("fails at once when a run in time fails: slowness never hides a bug", async () => {
    const scales: number[] = [];
    await expect(
      judgedInTime(async (timing) => {
        scales.push(timing.scale);
        timing.ms(10_000);
        throw new Error("a real bug");
      }),
    ).rejects.toThrow("a real bug");
    expect(scales).toEqual([1]);
  });

  it("does not count its waits as the run's own work", async () => {
    const timing = new TtlTiming(1);
    timing.seconds(0.05);
    await timing.wait(120);
    expect(timing.tooSlowToJudge()).toBe(false);
    busy(30);
    expect(timing.tooSlowToJudge()).toBe(true);
  });
});
