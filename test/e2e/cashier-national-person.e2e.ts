// The patient panel in the national protocol (issue 16), by keyboard in headless Chromium
// against real browser mode (demo sandbox, CASHIER_CENTER_PROTOCOL national) at 1024×768 and
// 1366×768: the card read asks 1101/2001/5206/5301/5302, and the panel shows the same as in the
// simple protocol plus the chronic-disease filings and the clinic binding.
// Screenshots: test-artifacts/national-person-<width>-*.png.
import { describe, expect, it } from 'vitest';
import { insertDemoCard } from './helpers/keyboard';
import { cashierAtTheWindow } from './helpers/cashier-window';
import { inView } from './helpers/fit';
import { VIEWPORTS } from './helpers/operators';

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const { shot, until, text, page } = cashierAtTheWindow(viewport, { shots: 'national-person', env: { CASHIER_CENTER_PROTOCOL: 'national' } });

  it('the chronic patient: her diabetes filing and her binding to this clinic', async () => {
    await insertDemoCard(page, 8, /吴婷/);
    await until('patient-filings', /E11 2型糖尿病/);
    await until('patient-binding', /慢特病：本机构/);
    expect(await text('patient-source')).toMatch(/中心实时/);
    expect(await inView(page, 'patient-binding')).toBe(true);
    await shot('01-chronic');
  });

  it('a filing that has ended is marked; a resident bound to another clinic is said so', async () => {
    await insertDemoCard(page, 1, /李秀英/);
    await until('patient-filings', /I10 原发性高血压[\s\S]*J44 慢性阻塞性肺疾病 · 已到期/);
    await until('patient-binding', /未备案/);
    await shot('02-ended-filing');
    await insertDemoCard(page, 10, /徐丽/);
    await until('patient-binding', /示范第二社区卫生服务站（非本机构）/);
    expect(await text('patient-filings')).toMatch(/无/);
    await shot('03-bound-elsewhere');
  });
});
