// The shift verbs as an operator runs them: real CLI processes on one data folder.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-app';

const dir = tempDir('shift-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const as = (op: string, pin: string) => ({ CASHIER_OPERATOR: op, CASHIER_OPERATOR_PIN: pin });
const cashier = as('1001', '1234');

describe('shift verbs', () => {
  it('open, cash in, blind close (refused without a note, then with one), sign-off', () => {
    const open = runCli(['--data-dir', dir, '--json', 'shift', 'open', '--counts', '100x2,0.5x4'], cashier);
    expect(open.code).toBe(0);
    const shift = JSON.parse(open.stdout) as { id: string; openingFloat: number };
    expect(shift.openingFloat).toBe(20200);

    expect(runCli(['--data-dir', dir, 'shift', 'cashio', '--direction', 'in', '--amount', '20.5', '--reason', '换零'], cashier).code).toBe(0);

    const x = runCli(['--data-dir', dir, '--json', 'shift', 'x-report'], cashier);
    expect(x.code).toBe(0);
    expect((JSON.parse(x.stdout) as { figures: { cash: { cashIn: number; expected: number | null } } }).figures.cash).toMatchObject({ cashIn: 2050, expected: null });

    const blind = runCli(['--data-dir', dir, 'shift', 'close', '--counts', '100x2'], cashier);
    expect(blind.code).toBe(1);
    expect(blind.stderr).toContain('SHIFT_NOTE_REQUIRED');

    const closed = runCli(['--data-dir', dir, '--json', 'shift', 'close', '--counts', '100x2', '--note', '少了零钱'], cashier);
    expect(closed.code).toBe(0);
    expect((JSON.parse(closed.stdout) as { shift: { variance: number } }).shift.variance).toBe(20000 - 22250);

    // Short by 22.50: the supervisor's sign-off needs a note too.
    const bare = runCli(['--data-dir', dir, 'shift', 'signoff', '--shift', shift.id], as('2001', '246810'));
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('SIGNOFF_NOTE_REQUIRED');
    const signed = runCli(['--data-dir', dir, 'shift', 'signoff', '--shift', shift.id, '--note', '短款已由收费员补齐'], as('2001', '246810'));
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('签核 2001');
  }, 120_000); // seven CLI processes, each opening the app: slow on a loaded machine

  it('bad input is a usage error and changes nothing', () => {
    const bad = runCli(['--data-dir', dir, 'shift', 'open', '--counts', '100:2'], cashier);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('面额x张数');
    const noOp = runCli(['--data-dir', dir, 'shift', 'x-report'], {});
    expect(noOp.code).toBe(2);
  });
});
