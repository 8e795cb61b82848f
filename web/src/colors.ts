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

/** Partition groups: a soft background per group, the tokens --group-1..9 (styles/tokens.css,
 * where every colour is defined once). */
export const GROUP_COLORS: readonly string[] = Array.from({ length: 9 }, (_, i) => `var(--group-${i + 1})`);
