// @vitest-environment jsdom
// The date field of the supervisor's screens, rendered by React into jsdom: what the parent hears
// as the supervisor types (a valid day, or '' while it is not one) and what ↑ / ↓ do.
import { act, useState } from 'react';
import type { Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from './mount';
import { DateField } from '../../../renderer/src/components/DateField';

let host: HTMLDivElement;
let root: Root;
let heard: string[];

beforeEach(() => {
  ({ host, root } = mount());
  heard = [];
  act(() => root.render(<DateField testId="day" value="2026-11-24" onChange={(d) => heard.push(d)} />));
});

afterEach(unmountAll);

const field = () => host.querySelector('[data-testid="day"]') as HTMLInputElement;

/** Set the text as typing does (React listens for the native input event). */
function typeText(text: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  act(() => {
    setter.call(field(), text);
    field().dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function press(key: string): void {
  act(() => void field().dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })));
}

describe('date field', () => {
  it('shows the day as YYYY-MM-DD whatever the browser\'s language', () => {
    expect(field().value).toBe('2026-11-24');
    expect(field().type).toBe('text');
    expect(field().getAttribute('aria-invalid')).toBe('false');
  });

  it('passes a valid typed day on, eight digits included; an impossible one as "" and marked', () => {
    typeText('20261201');
    expect(heard).toEqual(['2026-12-01']);
    typeText('2026-02-30');
    expect(heard.at(-1)).toBe('');
    expect(field().getAttribute('aria-invalid')).toBe('true');
    expect(field().className).toContain('invalid');
    // The text stays as typed, so it can be corrected.
    expect(field().value).toBe('2026-02-30');
  });

  it('inside a parent that keeps the day: what is typed is not rewritten while it means the same day', () => {
    function Parent() {
      const [day, setDay] = useState('2026-11-24');
      return (
        <>
          <DateField testId="day" value={day} onChange={setDay} />
          <output data-testid="kept">{day}</output>
          <button type="button" data-testid="reset" onClick={() => setDay('2026-01-01')} />
        </>
      );
    }
    act(() => root.render(<Parent />));
    const kept = () => host.querySelector('[data-testid="kept"]')!.textContent;
    typeText('2026-1-1');
    expect([field().value, kept()]).toEqual(['2026-1-1', '2026-01-01']);
    typeText('2026-1-15');
    expect([field().value, kept()]).toEqual(['2026-1-15', '2026-01-15']);
    typeText('2026-1-');
    expect([field().value, kept()]).toEqual(['2026-1-', '']);
    // A day set by the parent replaces the text.
    act(() => (host.querySelector('[data-testid="reset"]') as HTMLButtonElement).click());
    expect(field().value).toBe('2026-01-01');
  });

  it('↑ / ↓ move a valid day by one, across a month end; nothing on an invalid text', () => {
    typeText('2026-11-30');
    press('ArrowUp');
    expect(field().value).toBe('2026-12-01');
    expect(heard.at(-1)).toBe('2026-12-01');
    press('ArrowDown');
    press('ArrowDown');
    expect(heard.at(-1)).toBe('2026-11-29');
    typeText('2026-1');
    const before = heard.length;
    press('ArrowUp');
    expect(heard).toHaveLength(before);
    expect(field().value).toBe('2026-1');
  });
});
