/**
 * The digit keypad of the staff login and technician mode's admin PIN: a touch-only screen needs no keyboard. Runs
 * in the browser.
 */
import { useEffect } from 'react';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0', 'OK'];

/**
 * A digit keypad: `onKey` gets a digit, ⌫ or OK. Physical digits, Backspace and Enter press it too, unless they are
 * typed into a text field.
 */
export function Keypad({ onKey, disabled = false }: { onKey: (key: string) => void; disabled?: boolean }) {
  useEffect(() => {
    if (disabled) return;
    const onDown = (e: KeyboardEvent) => {
      const key = /^[0-9]$/.test(e.key) ? e.key : e.key === 'Backspace' ? '⌫' : e.key === 'Enter' ? 'OK' : null;
      if (!key || (e.target instanceof HTMLInputElement && e.target.type !== 'button')) return;
      e.preventDefault();
      onKey(key);
    };
    window.addEventListener('keydown', onDown);
    return () => window.removeEventListener('keydown', onDown);
  }, [onKey, disabled]);
  return (
    <div className="keypad">
      {KEYS.map((k) => (
        <button key={k} className={k === 'OK' ? 'key ok' : 'key'} disabled={disabled} onClick={() => onKey(k)}>
          {k}
        </button>
      ))}
    </div>
  );
}
