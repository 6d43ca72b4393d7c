// Counted nouns in report prose ("1 caller", "3 callers").
export function plural(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}
