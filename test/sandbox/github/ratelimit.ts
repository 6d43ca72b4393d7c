// GitHub's secondary rate limit on content-creating requests: over the limit within a minute, requests get
// 403 with `retry-after` and a message naming the secondary rate limit until the wait has passed.

export class SecondaryRateLimit {
  private window: number[] = [];
  private blockedUntil = 0;

  constructor(private readonly now: () => number) {}

  /** Seconds to wait when this request is refused, else undefined (and the request counts). */
  check(limit: { perMinute: number; retryAfterSeconds?: number } | undefined): number | undefined {
    if (!limit) return undefined;
    const now = this.now();
    if (now < this.blockedUntil) return Math.max(Math.ceil((this.blockedUntil - now) / 1000), 1);
    this.window = this.window.filter((t) => t > now - 60_000);
    if (this.window.length >= limit.perMinute) {
      const wait = limit.retryAfterSeconds ?? 60;
      this.blockedUntil = now + wait * 1000;
      this.window = [];
      return wait;
    }
    this.window.push(now);
    return undefined;
  }
}

/** The search API's own primary limit (github.com: 30 requests a minute): over it, 403 with remaining 0. */
export class SearchRateLimit {
  private window: number[] = [];

  constructor(private readonly now: () => number) {}

  /** Epoch seconds at which a slot frees when this request is refused, else undefined (and the request counts). */
  check(perMinute: number | undefined): number | undefined {
    if (perMinute === undefined) return undefined;
    const now = this.now();
    this.window = this.window.filter((t) => t > now - 60_000);
    if (this.window.length >= perMinute) return Math.ceil(((this.window[0] ?? now) + 60_000) / 1000);
    this.window.push(now);
    return undefined;
  }
}
