/**
 * The screen that faces the rater: large type, high contrast, targets of 64 px and more, nothing that needs hover.
 * It shows who is serving (or 暂停服务), the five levels when an invitation is open, the follow-up after a 差评, and
 * the thanks, and the QR code to rate on a phone after a service nobody rated. Keys 1–5 and F1–F5 from a keyboard-wedge evaluator press like the buttons. It never shows who the rater
 * is. Runs in the browser.
 */
import { useEffect, useState } from 'react';
import { QRCodeSVG } from 'qrcode.react';
import { useStore, type StoreApi } from 'zustand';
import {
  DEFAULT_SATISFACTION_AFTER_DAYS,
  SATISFACTION_LABELS,
  SATISFACTION_LEVELS,
  type Satisfaction,
} from '../../shared/satisfaction.js';
import { errorText, useLang, useT } from '../i18n.js';
import { screenOf, type CitizenState } from './citizen-store.js';
import { speak, stopSpeaking } from './speech.js';

export function CitizenScreen({ store }: { store: StoreApi<CitizenState> }) {
  const state = useStore(store);
  const t = useT();
  const lang = useLang((s) => s.lang);
  const screen = screenOf(state);
  const settings = state.view?.citizenScreen;

  // Spoken as the screen changes, never on a re-render of the same screen; what was said, and how, is on the page
  // (data-spoken) for the technician and the tests.
  const [spoken, setSpoken] = useState('');
  useEffect(() => {
    if (!settings) return;
    if (screen === 'prompt' || screen === 'thanks') {
      const prompt = screen === 'prompt' ? 'rate_prompt' : 'thanks';
      setSpoken(`${prompt}:${speak(prompt, lang, settings)}`);
    }
    return () => stopSpeaking();
    // Only the screen: a change of settings or of language does not speak again.
  }, [screen]);

  useEffect(() => {
    const timer = setInterval(() => state.tick(Date.now()), 250);
    return () => clearInterval(timer);
  }, [state]);

  // A keyboard-wedge evaluator types 1–5 or F1–F5: the physical key, mapped to a level by the configured key map.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const match = /^(?:F)?([1-5])$/.exec(e.key);
      if (!match || screen !== 'prompt' || !state.view) return;
      e.preventDefault();
      const level = state.view.keyMap[Number(match[1]) - 1];
      if (level) void state.press(level as Satisfaction, 'keyboard');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [screen, state]);

  return (
    <main className={settings?.largeText ? 'citizen large' : 'citizen'} data-screen={screen} data-spoken={spoken}>
      <button className="lang" onClick={() => useLang.getState().toggle()}>
        {t('lang')}
      </button>
      {screen === 'connecting' && <p className="big">{t('connecting')}</p>}
      {screen === 'idle' && <Idle state={state} />}
      {screen === 'paused' && (
        <section className="paused">
          <h1>{t('paused')}</h1>
          {state.view?.paused && <p className="reason">{state.view.paused.reason}</p>}
          {!state.view?.staff && <p className="reason">{t('no_staff')}</p>}
        </section>
      )}
      {screen === 'prompt' && <Prompt state={state} />}
      {screen === 'qr' && (
        <section className="qr" data-testid="rating-qr">
          <h1>{t('qr_title')}</h1>
          <QrCode url={state.view!.qrCode!.url} size={320} />
          <p className="big">{t('qr_hint', { n: DEFAULT_SATISFACTION_AFTER_DAYS })}</p>
        </section>
      )}
      {screen === 'followup' && <FollowUp state={state} />}
      {screen === 'thanks' && (
        <section className="thanks">
          <h1>{t('thanks')}</h1>
        </section>
      )}
      {state.error && <p className="error">{errorText(lang, state.error)}</p>}
    </main>
  );
}

function Idle({ state }: { state: CitizenState }) {
  const t = useT();
  const view = state.view!;
  if (view.mode === 'terminal') {
    return (
      <section className="welcome">
        <h1>{t('welcome')}</h1>
        <p className="big">{view.terminalName}</p>
      </section>
    );
  }
  const staff = view.staff!;
  return (
    <section className="staff-card">
      {staff.photo ? (
        <img src={staff.photo} alt="" className="photo" />
      ) : (
        <div className="photo placeholder">{staff.name.slice(0, 1)}</div>
      )}
      <div>
        <h1>{staff.name}</h1>
        <p className="big">
          {t('staff_no')} {staff.staffNo}
        </p>
        <p>
          {view.window?.name} · {view.department?.name}
        </p>
      </div>
    </section>
  );
}

function Countdown({ until }: { until: string }) {
  const t = useT();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
  return <p className="countdown">{t('seconds_left', { n: left })}</p>;
}

function Prompt({ state }: { state: CitizenState }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const invitation = state.view!.invitation!;
  return (
    <section className="prompt">
      <h1>{t('rate_prompt')}</h1>
      {(invitation.serviceItem || invitation.caseNo) && (
        <p className="context">
          {invitation.serviceItem &&
            // A code the hall's catalogue does not hold is never shown: it means nothing to the citizen.
            `${t('service_item')}：${invitation.serviceItem.name ?? t('generic_item')}`}
          {invitation.caseNo && ` · ${t('case_no')}：${invitation.caseNo}`}
        </p>
      )}
      <div className="levels">
        {SATISFACTION_LEVELS.map((level) => (
          <button key={level} className={`level level-${level}`} onClick={() => void state.press(level, 'touch')}>
            <Face level={level} />
            <span>{SATISFACTION_LABELS[level][lang]}</span>
          </button>
        ))}
      </div>
      <Countdown until={invitation.expiresAt} />
    </section>
  );
}

/**
 * A QR code with a white quiet zone, dark on light whatever the theme: phones read it off a glossy screen. Level L:
 * a screen is not a worn sticker, and fewer modules read better from across a counter.
 */
function QrCode({ url, size }: { url: string; size: number }) {
  return <QRCodeSVG value={url} size={size} level="L" marginSize={4} bgColor="#ffffff" fgColor="#000000" />;
}

/** A face drawn in SVG: the mouth curves from a smile (5) to a frown (1). */
function Face({ level }: { level: Satisfaction }) {
  const curve = (level - 3) * 9;
  return (
    <svg viewBox="0 0 100 100" className="face" aria-hidden="true">
      <circle cx="50" cy="50" r="45" />
      <circle cx="35" cy="40" r="6" className="eye" />
      <circle cx="65" cy="40" r="6" className="eye" />
      <path d={`M 28 ${66 - curve / 2} Q 50 ${66 + curve} 72 ${66 - curve / 2}`} className="mouth" />
    </svg>
  );
}

const KEYPAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '⌫', '清除'];

function FollowUp({ state }: { state: CitizenState }) {
  const t = useT();
  const [tags, setTags] = useState<string[]>([]);
  const [phone, setPhone] = useState('');
  const [comment, setComment] = useState('');
  const toggle = (code: string) => setTags((ts) => (ts.includes(code) ? ts.filter((c) => c !== code) : [...ts, code]));
  const key = (k: string) =>
    setPhone((p) => (k === '清除' ? '' : k === '⌫' ? p.slice(0, -1) : p.length < 15 ? p + k : p));
  const submit = () =>
    void state.submitFollowUp({
      reasonTags: tags,
      ...(phone.length >= 5 ? { callbackPhone: phone } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    });
  return (
    <section className="followup">
      <h2>{t('followup_title')}</h2>
      <div className="tags">
        {state.view!.reasonTags.map((tag) => (
          <button
            key={tag.code}
            className={tags.includes(tag.code) ? 'tag on' : 'tag'}
            aria-pressed={tags.includes(tag.code)}
            onClick={() => toggle(tag.code)}
          >
            {tag.label}
          </button>
        ))}
      </div>
      <div className="callback">
        <label>
          {t('callback')}
          <output className="phone" aria-label={t('callback')}>
            {phone || '—'}
          </output>
        </label>
        <div className="keypad">
          {KEYPAD.map((k, i) => (
            <button key={i} onClick={() => key(k)} aria-label={k === '清除' ? t('clear') : k}>
              {k === '清除' ? t('clear') : k}
            </button>
          ))}
        </div>
        <p className="privacy">{t('privacy')}</p>
      </div>
      <label className="comment">
        {t('comment')}
        <textarea maxLength={200} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="actions">
        <button className="skip" onClick={() => state.finishFollowUp()}>
          {t('skip')}
        </button>
        <button className="submit" disabled={tags.length === 0 && phone.length < 5 && !comment.trim()} onClick={submit}>
          {t('submit')}
        </button>
      </div>
    </section>
  );
}
