// Manual entry of a resident ID number (居民身份证, cert type 01): 18 characters, 17 digits and a
// check character computed by GB 11643-1999 (ISO 7064 MOD 11-2), so a mistyped digit is caught
// at the window instead of looking up — and perhaps charging — someone else. Pure.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdNumberProblem = 'length' | 'format' | 'checkDigit';

/** Why an 18-character resident ID number is not valid, or null when it is. */
export function residentIdProblem(raw: string): IdNumberProblem | null {
  const id = raw.trim().toUpperCase();
  if (id.length !== 18) return 'length';
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11] === id[17] ? null : 'checkDigit';
}
