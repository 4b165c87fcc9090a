// Running totals over grouped rows (the shift's figures, the receivables summary): each named
// field of a row added into the total of the same name.
export function addFields<K extends string>(into: Record<K, number>, from: Readonly<Record<K, number>>, keys: readonly K[]): void {
  for (const k of keys) into[k] += from[k];
}
