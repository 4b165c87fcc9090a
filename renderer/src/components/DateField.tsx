// A date typed the way the clinic writes it, YYYY-MM-DD, the same in every browser and language:
// the native date picker follows the browser's own locale (mm/dd/yyyy on an English system, and
// in headless Chromium whatever the page asks for) and is slow to drive by keyboard.
// Type the date (eight digits are enough: 20261124); ↑ / ↓ move it a day later / earlier.
// The parent hears a valid day, or '' while the text is not one (so nothing runs on a stale day).
import { useEffect, useState } from 'react';
import { useT } from '../i18n/use-t';
import { addDays, parseDateInput } from '../lib/time';

export function DateField(props: { value: string; onChange: (day: string) => void; testId: string; autoFocus?: boolean }) {
  const t = useT();
  const [text, setText] = useState(props.value);
  // A different day set from outside replaces the text; the day the text already means does not
  // (typing 2026-1-1 on the way to 2026-1-15 must not be rewritten under the cursor), nor does ''.
  useEffect(() => {
    setText((current) => (props.value && props.value !== parseDateInput(current) ? props.value : current));
  }, [props.value]);
  const valid = parseDateInput(text) !== null;
  const type = (next: string) => {
    setText(next);
    props.onChange(parseDateInput(next) ?? '');
  };
  return (
    <input
      type="text"
      inputMode="numeric"
      className={valid ? 'date-field' : 'date-field invalid'}
      aria-invalid={!valid}
      title={t('date.hint')}
      placeholder="YYYY-MM-DD"
      data-testid={props.testId}
      autoFocus={props.autoFocus}
      value={text}
      maxLength={10}
      onChange={(e) => type(e.target.value)}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
        const day = parseDateInput(text);
        if (!day) return;
        e.preventDefault();
        type(addDays(day, e.key === 'ArrowUp' ? 1 : -1));
      }}
    />
  );
}
