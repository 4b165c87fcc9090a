// Reading the card: readers push card.read events (handled by the App); here what a screen that
// reads cards shows and does (useCardReading: F2, F3; CardPrompt, DemoPanel, CardManualEntry), the
// manual-entry form (F3) with its reason code, and in demo mode the virtual card tray.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { DemoCardView } from '../../../electron/api/contract/device';
import type { ApiError } from '../../../electron/api/result';
import { api } from '../api/client';
import { hasCall } from '../api/capabilities';
import { ErrorLine, MissingCall } from '../components/common';
import { Dialog, DialogButtons } from '../components/Dialog';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/store';
import { DemoSwitches } from './DemoSwitches';
import type { CertType, ManualReason } from '../state/cashier';
import { residentIdProblem } from '../lib/id-number';
import { identify } from './actions';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

const DEMO_CARDS = 'device.demoCards' as const;
const DEMO_INSERT = 'device.demoInsert' as const;

/**
 * The card number typed so far on the demo tray. A digit completes it unless it could still be
 * the start of a two-digit number (only "1" with ten or more cards); pure, for the unit test.
 */
export function demoCardNumber(typed: string, digit: string, cardCount: number): { done: true; value: number } | { done: false; typed: string } {
  const next = typed + digit;
  if (next.length === 1 && next === '1' && cardCount >= 10) return { done: false, typed: next };
  return { done: true, value: Number(next) };
}

export function DemoTray(props: { focusSignal: number }) {
  const t = useT();
  const [cards, setCards] = useState<DemoCardView[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const tray = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  // Digits typed right after F2, before the card list has arrived (a slow first call), are kept
  // and applied when it does: a fast cashier's keys must not vanish, and "1 1" stays card 11.
  const pendingDigits = useRef('');
  const available = hasCall(DEMO_CARDS) && hasCall(DEMO_INSERT);

  const insert = async (index: number) => {
    const r = await api.call(DEMO_INSERT, { index });
    setError(r.ok ? null : r.error);
  };
  // A "1" typed with ten or more cards on the tray, waiting for its second digit.
  const typed = useRef('');
  const typedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const takeTyped = () => {
    clearTimeout(typedTimer.current);
    const n = Number(typed.current);
    typed.current = '';
    const card = cardsRef.current[n - 1];
    if (card) void insert(card.index);
  };
  const cardsRef = useRef<DemoCardView[]>([]);
  cardsRef.current = cards;
  const typeDigit = (digit: string, list: DemoCardView[]) => {
    const number = demoCardNumber(typed.current, digit, list.length);
    clearTimeout(typedTimer.current);
    if (number.done) {
      typed.current = '';
      if (number.value >= 1 && number.value <= list.length) void insert(list[number.value - 1]!.index);
    } else {
      typed.current = number.typed;
      typedTimer.current = setTimeout(takeTyped, 900);
    }
  };
  useEffect(() => () => clearTimeout(typedTimer.current), []);

  useEffect(() => {
    if (!available) return;
    void api.call(DEMO_CARDS, {}).then((r) => {
      if (r.ok) setCards(r.value);
      else setError(r.error);
    });
  }, [available]);

  useEffect(() => {
    const digits = pendingDigits.current;
    if (!digits || cards.length === 0) return;
    pendingDigits.current = '';
    for (const digit of digits) typeDigit(digit, cards);
  }, [cards]);

  useEffect(() => {
    // The first card when the list is there, else the tray itself so the next digit still lands here.
    if (props.focusSignal > 0) (first.current ?? tray.current)?.focus();
  }, [props.focusSignal]);

  return (
    <div className="stack" data-testid="demo-tray">
      <strong>{t('card.tray')}</strong>
      {!available ? (
        <MissingCall call={hasCall(DEMO_CARDS) ? DEMO_INSERT : DEMO_CARDS} messageKey="card.tray.missing" />
      ) : (
        <div
          ref={tray}
          tabIndex={-1}
          className="tray"
          onKeyDown={(e) => {
            // The card's number puts it on the reader while the tray has the focus (F2): one digit
            // for cards 1–9; with ten or more cards, "1" waits for a second digit (1 0 → card 10),
            // Enter or a short pause takes card 1.
            if (e.key === 'Enter' && typed.current) {
              e.preventDefault();
              takeTyped();
              return;
            }
            if (!/^[0-9]$/.test(e.key)) return;
            e.preventDefault();
            if (cards.length === 0) {
              if (pendingDigits.current.length < 2) pendingDigits.current += e.key;
              return;
            }
            typeDigit(e.key, cards);
          }}
        >
          {cards.map((c, i) => (
            <button
              key={c.index}
              ref={i === 0 ? first : undefined}
              type="button"
              className="secondary"
              data-testid={`demo-card-${c.index}`}
              title={c.note}
              onClick={() => void insert(c.index)}
            >
              {i + 1}. {c.name}
              {c.note ? <span className="hint">{c.note}</span> : null}
            </button>
          ))}
        </div>
      )}
      <ErrorLine error={error} testId="demo-tray-error" />
    </div>
  );
}

export function ManualEntry(props: { onClose: () => void }) {
  const t = useT();
  const [certType, setCertType] = useState<CertType>('02');
  const [certNo, setCertNo] = useState('');
  const [reason, setReason] = useState<ManualReason>('reader-fault');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const no = certNo.trim();
    if (!no) {
      setError(t('card.manual.certNo'));
      return;
    }
    // A resident ID number is checked here: length, digits and the GB 11643 check character.
    const problem = certType === '02' ? residentIdProblem(no) : null;
    if (problem) {
      setError(t(`card.manual.id.${problem}`));
      return;
    }
    props.onClose();
    void identify({ certType, certNo: no }, reason);
  };

  return (
    <Dialog testId="manual-entry" title={t('card.manual')} onSubmit={submit} onBack={props.onClose} noEscape>
      <label>
        {t('card.manual.certType')}
        <select data-testid="manual-cert-type" value={certType} onChange={(e) => setCertType(e.target.value as CertType)}>
          <option value="02">{t('card.manual.cert02')}</option>
          <option value="01">{t('card.manual.cert01')}</option>
          <option value="03">{t('card.manual.cert03')}</option>
        </select>
      </label>
      <label>
        {t('card.manual.certNo')}
        <input autoFocus data-testid="manual-cert-no" maxLength={TEXT_LIMITS.certNo} value={certNo} onChange={(e) => setCertNo(e.target.value)} />
      </label>
      <label>
        {t('card.manual.reason')}
        <select data-testid="manual-reason" value={reason} onChange={(e) => setReason(e.target.value as ManualReason)}>
          <option value="reader-fault">{t('card.manual.reason.reader-fault')}</option>
          <option value="card-damaged">{t('card.manual.reason.card-damaged')}</option>
          <option value="no-card">{t('card.manual.reason.no-card')}</option>
        </select>
      </label>
      {error ? <div className="error-line">{error}</div> : null}
      <DialogButtons submitLabel={t('card.manual.submit')} submitTestId="manual-submit" onBack={props.onClose} />
    </Dialog>
  );
}

/**
 * Reading the card on a screen (the main screen, the hospital window's admission): F2 puts the
 * focus on demo mode's card tray, or else says the reader waits for a card (`onWaiting`); F3
 * opens the manual entry.
 */
export function useCardReading(onWaiting: () => void) {
  const demo = useApp((s) => s.info?.demo ?? false);
  const [manual, setManual] = useState(false);
  const [trayFocus, setTrayFocus] = useState(0);
  return {
    demo,
    manual,
    trayFocus,
    openManual: () => setManual(true),
    closeManual: () => setManual(false),
    readCard: () => {
      if (demo) setTrayFocus((n) => n + 1);
      else onWaiting();
    },
  };
}
export type CardReading = ReturnType<typeof useCardReading>;

/** The card prompt: waiting for a card, F3's button and the screen's own, then what the screen says under them. */
export function CardPrompt(props: { card: CardReading; buttons?: ReactNode; children?: ReactNode }) {
  const t = useT();
  return (
    <section className="panel" data-testid="card-panel">
      <h2>{t('card.title')}</h2>
      <p className="hint">{t('card.waiting')}</p>
      <div className="row">
        <button type="button" className="secondary" data-testid="manual-open" onClick={props.card.openManual}>
          {t('key.F3')}
        </button>
        {props.buttons}
      </div>
      {props.children}
    </section>
  );
}

/** Demo mode's panel: the virtual card tray (F2 focuses it) and the device switches. */
export function DemoPanel(props: { card: CardReading }) {
  const t = useT();
  if (!props.card.demo) return null;
  return (
    <section className="panel" data-testid="demo-panel">
      <h2>{t('demo.title')}</h2>
      <DemoTray focusSignal={props.card.trayFocus} />
      <DemoSwitches />
    </section>
  );
}

/** The manual entry (F3), while it is open; `onClosed` after it closes (sent or not). */
export function CardManualEntry(props: { card: CardReading; onClosed?: () => void }) {
  const { card, onClosed } = props;
  if (!card.manual) return null;
  return (
    <ManualEntry
      onClose={() => {
        card.closeManual();
        onClosed?.();
      }}
    />
  );
}
