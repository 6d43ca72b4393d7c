// ISO 8601 durations as playbooks write them (P1D, PT12H, P2W). Years and months are refused: their length varies.

export const DURATION_PATTERN = '^P(?:\\d+W|(?:\\d+D)?(?:T(?=\\d)(?:\\d+H)?(?:\\d+M)?(?:\\d+S)?)?)$';
const DURATION = new RegExp(DURATION_PATTERN);
const PARTS = /(\d+)([WDHMS])/g;
const UNIT_MS: Record<string, number> = { W: 604_800_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1_000 };

/** Milliseconds of a duration, or undefined when the text is not one (or is zero). */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text) || text === 'P') return undefined;
  // The pattern allows M only after T, so M is always minutes.
  let ms = 0;
  for (const [, n, unit] of text.matchAll(PARTS)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms > 0 ? ms : undefined;
}

export function checkDuration(text: string): string | undefined {
  return parseDuration(text) === undefined
    ? `'${text}' is not a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P1D, PT12H)`
    : undefined;
}
