// Term colours: every term gets its own hue (golden-angle steps, so neighbouring terms differ),
// used for node bodies and log entries alike. The term number is always written next to the
// colour: colour helps, it never carries meaning alone.

export function termHue(term: number): number {
  return term <= 0 ? 220 : Math.round((term * 137.508 + 200) % 360);
}

/** Light fill for a term. */
export function termFill(term: number): string {
  return term <= 0 ? "hsl(220 14% 96%)" : `hsl(${termHue(term)} 70% 91%)`;
}

/** Darker tone of a term for borders and text. */
export function termInk(term: number): string {
  return term <= 0 ? "hsl(220 9% 46%)" : `hsl(${termHue(term)} 55% 30%)`;
}

/** Partition groups: a soft background per group. */
export const GROUP_COLORS = ["#4dabf7", "#f783ac", "#69db7c", "#ffa94d", "#b197fc", "#3bc9db", "#ffd43b", "#a9e34b", "#e599f7"];
