/**
 * Technician mode's key panels, in the evaluator step: the key order (which level each physical key gives; a local
 * order overrides the centre's and is reported to it) and the key test (each key pressed once, seen here and never
 * recorded as a rating). Runs in the browser.
 */
import type { Dispatch, SetStateAction } from 'react';
import { KEY_TEST_MAX_MS } from '../../shared/records.js';
import { SATISFACTION_LABELS, type Satisfaction } from '../../shared/satisfaction.js';
import { useLang, useT } from '../i18n.js';
import type { TechState } from './tech-store.js';

/** The key order being edited, left to right, and whether it names each level once (else it cannot be saved). */
export function KeyOrder({
  state,
  keyMap,
  onChange,
  permutation,
  onUseCentral,
}: {
  state: TechState;
  keyMap: number[];
  onChange: Dispatch<SetStateAction<number[]>>;
  permutation: boolean;
  /** Drops the local order: the centre's is in force again. */
  onUseCentral: () => void;
}) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const source = state.status!.keyMapSource;
  return (
    <>
      <div className="keymap">
        <span className="keymap-title">{t('key_order')}</span>
        {keyMap.map((level, i) => (
          <select
            key={i}
            aria-label={t('key_n', { n: i + 1 })}
            value={level}
            onChange={(e) => onChange((m) => m.map((v, j) => (j === i ? Number(e.target.value) : v)))}
          >
            {[5, 4, 3, 2, 1].map((l) => (
              <option key={l} value={l}>
                {SATISFACTION_LABELS[l as Satisfaction][lang]}
              </option>
            ))}
          </select>
        ))}
      </div>
      <p className="keymap-source" data-keymap-source={source}>
        {source === 'local' ? t('keymap_local') : t('keymap_central')}
        {!permutation && t('keymap_twice')}
      </p>
      {source === 'local' && <button onClick={onUseCentral}>{t('keymap_use_central')}</button>}
    </>
  );
}

/** The key test's switch and the keys seen since it started, each with the level it gives under `keyMap`. */
export function KeyTest({
  state,
  keyMap,
  testing,
  onToggle,
}: {
  state: TechState;
  keyMap: number[];
  testing: boolean;
  onToggle: () => void;
}) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const minutes = KEY_TEST_MAX_MS / 60_000;
  return (
    <div className="keytest">
      <button onClick={onToggle}>{testing ? t('keytest_stop') : t('keytest_start')}</button>
      <p className="hint" data-testid="keytest-hint">
        {testing && state.keyTest
          ? t('keytest_on', {
              at: new Date(state.keyTest.endsAt).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB'),
            })
          : state.keyTestEnded === 'timeout'
            ? t('keytest_timeout', { minutes })
            : t('keytest_hint', { minutes })}
      </p>
      <ol className="keys">
        {[1, 2, 3, 4, 5].map((k) => {
          const seen = state.keys.some((p) => p.key === k);
          return (
            <li key={k} className={seen ? 'seen' : ''} data-key={k}>
              {t('key_seen', { n: k, level: SATISFACTION_LABELS[keyMap[k - 1] as Satisfaction][lang] })}{' '}
              {seen ? '✓' : ''}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
