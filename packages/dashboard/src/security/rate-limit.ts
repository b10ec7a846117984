/** Options of the failed-attempt limiter. */
export interface AttemptLimitOptions {
  /** Failed attempts allowed in one window before every attempt is refused. */
  readonly maxFailures: number;
  /** The sliding window, in milliseconds. */
  readonly windowMs: number;
}

/** Ten wrong tokens a minute: far more than a person mistyping, far too few to guess 128 bits. */
export const DEFAULT_ATTEMPT_LIMIT: AttemptLimitOptions = { maxFailures: 10, windowMs: 60_000 };

/**
 * Counts failed token attempts in a sliding window. Once the window holds `maxFailures`, every
 * wrong credential is refused with 429 unchecked and uncounted until the oldest failure leaves the
 * window; a right one is still let in (`authenticate`), so no one can lock the owner out.
 */
export class FailedAttempts {
  private readonly failures: number[] = [];

  constructor(
    private readonly options: AttemptLimitOptions = DEFAULT_ATTEMPT_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until attempts are accepted again; 0 when not locked. */
  lockedForMs(): number {
    const now = this.now();
    while (this.failures.length > 0 && (this.failures[0] as number) <= now - this.options.windowMs) {
      this.failures.shift();
    }
    if (this.failures.length < this.options.maxFailures) return 0;
    return (this.failures[0] as number) + this.options.windowMs - now;
  }

  /** Records one failed attempt. */
  fail(): void {
    this.failures.push(this.now());
    // Only the newest `maxFailures` matter for the lock; keep the list bounded.
    if (this.failures.length > this.options.maxFailures) this.failures.shift();
  }
}
