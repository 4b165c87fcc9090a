// The window's dialogs share one shell: the modal frame and its Esc, the form panel with its
// title, a problem said in words, and the submit / back row (Enter submits through the form;
// "back" goes back with nothing done).
import type { FormEvent, ReactNode, RefObject } from 'react';
import { useT } from '../i18n/use-t';

/**
 * What Esc in a modal does besides going back:
 * - 'own': nothing else; the screen under it never sees the key (its Esc would leave the screen);
 * - 'marked': the screen's own keys see it too, marked as used (defaultPrevented);
 * - 'passed': the screen sees it too as an ordinary key.
 */
export type EscapeWay = 'own' | 'marked' | 'passed';

export function Modal(props: { testId: string; onEscape?: () => void; escape?: EscapeWay; kind?: string; children: ReactNode }) {
  const way = props.escape ?? 'own';
  const onEscape = props.onEscape;
  return (
    <div
      className="modal"
      data-testid={props.testId}
      data-kind={props.kind}
      onKeyDown={
        onEscape
          ? (e) => {
              if (e.key !== 'Escape') return;
              if (way !== 'passed') e.preventDefault();
              if (way === 'own') e.stopPropagation();
              onEscape();
            }
          : undefined
      }
    >
      {props.children}
    </div>
  );
}

/** A modal form: Esc (see `escape`) and the back button call `onBack`; Enter submits. */
export function Dialog(props: {
  testId: string;
  title: ReactNode;
  titleTestId?: string;
  onSubmit: (e: FormEvent) => void | Promise<void>;
  onBack: () => void;
  escape?: EscapeWay;
  /** No Esc of its own: the screen's Esc (its "back" key) closes it. */
  noEscape?: boolean;
  kind?: string;
  /** More classes for the form's panel. */
  panelClass?: string;
  children: ReactNode;
}) {
  return (
    <Modal testId={props.testId} onEscape={props.noEscape ? undefined : props.onBack} escape={props.escape} kind={props.kind}>
      <form className={props.panelClass ? `panel ${props.panelClass}` : 'panel'} onSubmit={(e) => void props.onSubmit(e)}>
        <h2 data-testid={props.titleTestId}>{props.title}</h2>
        {props.children}
      </form>
    </Modal>
  );
}

/** A problem with what was typed, in words (null: none). The field keeps what was typed. */
export function ProblemLine(props: { text: string | null; testId?: string }) {
  if (!props.text) return null;
  return (
    <div className="error-line" role="alert" data-testid={props.testId}>
      {props.text}
    </div>
  );
}

/** The submit button (Enter) and "back". */
export function DialogButtons(props: { submitLabel: string; submitTestId: string; disabled?: boolean; submitRef?: RefObject<HTMLButtonElement | null>; onBack: () => void }) {
  const t = useT();
  return (
    <div className="row">
      <button ref={props.submitRef} type="submit" className="primary" data-testid={props.submitTestId} disabled={props.disabled}>
        {props.submitLabel}
      </button>
      <button type="button" className="secondary" onClick={props.onBack}>
        {t('common.back')}
      </button>
    </div>
  );
}
