import { describe, expect, it } from 'vitest';
import { residentIdProblem } from '../../../renderer/src/lib/id-number';

describe('resident ID numbers (GB 11643 check character)', () => {
  it('accepts valid numbers, with X as the check character too', () => {
    expect(residentIdProblem('11010519491231002X')).toBeNull();
    expect(residentIdProblem('11010519491231002x')).toBeNull();
    expect(residentIdProblem('440524188001010014')).toBeNull();
  });
  it('refuses a wrong length, letters, and one mistyped digit', () => {
    expect(residentIdProblem('1101051949123100')).toBe('length');
    expect(residentIdProblem('11010519491231A02X')).toBe('format');
    expect(residentIdProblem('110105194912310021')).toBe('checkDigit');
    expect(residentIdProblem('440524188001010015')).toBe('checkDigit');
  });
});
