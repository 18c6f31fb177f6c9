/**
 * The staff panel (a second window in Electron, /staff in the browser host): log in with staff number and PIN on a
 * keypad, ask for a rating (the item chosen from the hall's catalogue with a search, or filled by the 办件 system
 * through the local API), follow each invitation's phase (waiting with its countdown, rated, unrated, cancelled),
 * pause with a reason and resume, log out with the shift summary in a modal. It shows the state of the evaluator,
 * the central system and the queue — and never how anyone rated (第五条). Laid out for a 1920×1080 monitor, a
 * 1280×800 tablet and an 800×480 screen, nothing to scroll. Runs in the browser.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { ShiftSummary } from '../../shared/local-api.js';
import { errorText, useLang, useT } from '../i18n.js';
import { Keypad } from '../keypad.js';
import { ENDED_NOTICE_MS, type StaffState } from './staff-store.js';

export function StaffPanel({ store }: { store: StoreApi<StaffState> }) {
  const state = useStore(store);
  const t = useT();
  const lang = useLang((s) => s.lang);
  const status = state.status;
  return (
    <main className="staff">
      <header>
        <strong className="window-name">{status?.window?.name ?? ''}</strong>
        <StatusLine state={state} />
        <button className="lang" onClick={() => useLang.getState().toggle()}>
          {t('lang')}
        </button>
      </header>
      {status?.storage.full && (
        <p className="error" role="alert" data-status="storage">
          {errorText(lang, { code: 'storage_full' })}
        </p>
      )}
      {state.error && (
        <p className="error" role="alert">
          {errorText(lang, state.error)}
        </p>
      )}
      {!status && <p className="connecting">{t('connecting')}</p>}
      {status && !status.shift && <Login state={state} />}
      {status?.shift && <Shift state={state} />}
      {state.summary && <Summary summary={state.summary} onClose={() => state.dismiss()} />}
    </main>
  );
}

function StatusLine({ state }: { state: StaffState }) {
  const t = useT();
  const s = state.status;
  if (!s) return <span className="status-line" />;
  const central = t(s.central.state);
  // Offline is worth a glance; a kiosk that delivers nothing or takes no configuration (insecure_url,
  // no_central_key) needs the technician: both are shown as warnings, in words.
  const warn = s.central.state !== 'online' && s.central.state !== 'not_enrolled';
  const evaluatorWarn = s.evaluator.state === 'disconnected' || s.evaluator.state === 'not_responding';
  return (
    <span className="status-line">
      <span data-status="evaluator" className={evaluatorWarn ? 'chip warn' : 'chip'}>
        {t('evaluator')}：{t(`state_${s.evaluator.state}`)}
      </span>
      <span data-status="central" data-state={s.central.state} className={warn ? 'chip warn' : 'chip'}>
        {t('central')}：{central}
      </span>
      <span data-status="queue" className="chip">
        {t('queue')}：{s.queue.pending}
        {s.central.state === 'online' && s.queue.pending > 0 && <progress aria-label={t('uploading')} />}
      </span>
    </span>
  );
}

function Login({ state }: { state: StaffState }) {
  const t = useT();
  const [staffNo, setStaffNo] = useState('');
  const [pin, setPin] = useState('');
  const [field, setField] = useState<'staffNo' | 'pin'>('staffNo');
  const ready = staffNo.length > 0 && pin.length >= 4;
  const submit = async () => {
    if (!ready) return;
    await state.run({ name: 'login', request: { staffNo, pin } });
    setPin('');
  };
  const press = (k: string) => {
    if (k === 'OK') return field === 'staffNo' ? setField('pin') : void submit();
    const set = field === 'staffNo' ? setStaffNo : setPin;
    set((v) => (k === '⌫' ? v.slice(0, -1) : v.length < 12 ? v + k : v));
  };
  return (
    <section className="login">
      <div className="login-fields">
        <h1>{t('staff_login')}</h1>
        <button
          className={field === 'staffNo' ? 'field active' : 'field'}
          aria-pressed={field === 'staffNo'}
          onClick={() => setField('staffNo')}
        >
          <span>{t('staff_no')}</span>
          <output data-field="staffNo">{staffNo}</output>
        </button>
        <button
          className={field === 'pin' ? 'field active' : 'field'}
          aria-pressed={field === 'pin'}
          onClick={() => setField('pin')}
        >
          <span>{t('pin')}</span>
          <output data-field="pin">{'•'.repeat(pin.length)}</output>
        </button>
        <button className="primary login-button" disabled={!ready} onClick={() => void submit()}>
          {t('login')}
        </button>
      </div>
      <Keypad onKey={press} />
    </section>
  );
}

function Shift({ state }: { state: StaffState }) {
  const t = useT();
  const status = state.status!;
  const shift = status.shift!;
  return (
    <section className="shift">
      <div className="serve">
        <h1>
          {shift.name} · {shift.staffNo}
        </h1>
        {shift.paused ? (
          <div className="card paused-box" data-phase="paused">
            <p className="phase-title">
              {t('paused')}：{shift.pauseReason}
            </p>
            <button className="primary" onClick={() => void state.run({ name: 'resume' })}>
              {t('resume')}
            </button>
          </div>
        ) : status.invitation ? (
          <Waiting state={state} />
        ) : (
          <InviteForm state={state} />
        )}
      </div>
      <aside className="side">
        {!shift.paused && <Pause state={state} busy={status.invitation !== null} />}
        <button className="danger logout" onClick={() => void state.logout()}>
          {t('logout')}
        </button>
      </aside>
    </section>
  );
}

/** An open invitation: its item and case number, read-only, the seconds left, and the way to cancel it. */
function Waiting({ state }: { state: StaffState }) {
  const t = useT();
  const invitation = state.status!.invitation!;
  const view = state.view?.invitation?.id === invitation.id ? state.view.invitation : null;
  const left = useSecondsLeft(invitation.expiresAt);
  return (
    <div className="card phase" data-phase="waiting" role="status">
      <p className="phase-title">
        {t('waiting_rating')} <span className="countdown">{t('seconds_left', { n: left })}</span>
      </p>
      <dl className="invitation-facts">
        <dt>{t('service_item')}</dt>
        <dd>
          {view?.serviceItem ? (view.serviceItem.name ?? `${view.serviceItem.code}（${t('not_in_catalogue')}）`) : '—'}
        </dd>
        <dt>{t('case_no')}</dt>
        <dd>{view?.caseNo ?? '—'}</dd>
      </dl>
      <button className="secondary" onClick={() => void state.run({ name: 'cancelInvitation', id: invitation.id })}>
        {t('cancel')}
      </button>
    </div>
  );
}

function useSecondsLeft(until: string): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
}

/** How many matches the item search lists at once: enough to pick from, few enough to fit the smallest screen. */
const ITEM_MATCHES = 4;

function InviteForm({ state }: { state: StaffState }) {
  const t = useT();
  const items = state.view?.serviceItems ?? [];
  const [item, setItem] = useState<{ code: string; name: string } | null>(null);
  const [query, setQuery] = useState('');
  const [caseNo, setCaseNo] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    return items.filter((i) => i.name.toLowerCase().includes(q) || i.code.toLowerCase().includes(q));
  }, [items, query]);
  const invite = () =>
    void state.run({
      name: 'invite',
      request: { ...(item ? { serviceItemCode: item.code } : {}), ...(caseNo.trim() ? { caseNo: caseNo.trim() } : {}) },
    });
  return (
    <div className="card invite">
      <Ended state={state} />
      <div className="item-picker">
        {item ? (
          <div className="chosen" data-item={item.code}>
            <span>
              {t('service_item')}：<strong>{item.name}</strong>
            </span>
            <button className="secondary small" onClick={() => setItem(null)}>
              {t('change')}
            </button>
          </div>
        ) : (
          <>
            <input
              type="search"
              aria-label={t('service_item')}
              placeholder={t('item_search', { n: items.length })}
              value={query}
              maxLength={64}
              onChange={(e) => setQuery(e.target.value)}
            />
            {matches.length > 0 && (
              <ul className="matches" role="listbox" aria-label={t('service_item')}>
                {matches.slice(0, ITEM_MATCHES).map((i) => (
                  <li key={i.code}>
                    <button
                      role="option"
                      aria-selected={false}
                      onClick={() => {
                        setItem(i);
                        setQuery('');
                      }}
                    >
                      {i.name}
                    </button>
                  </li>
                ))}
                {matches.length > ITEM_MATCHES && (
                  <li className="more">{t('more_matches', { n: matches.length - ITEM_MATCHES })}</li>
                )}
              </ul>
            )}
            {query.trim() && matches.length === 0 && <p className="hint">{t('no_match')}</p>}
          </>
        )}
      </div>
      <input
        placeholder={t('case_no')}
        aria-label={t('case_no')}
        value={caseNo}
        maxLength={64}
        onChange={(e) => setCaseNo(e.target.value)}
      />
      <button className="primary invite-button" onClick={invite}>
        {t('invite')}
      </button>
    </div>
  );
}

/** How the last invitation ended, for a few seconds: rated, unrated (its time ran out), cancelled. Never the level. */
function Ended({ state }: { state: StaffState }) {
  const t = useT();
  const [, setTick] = useState(0);
  const ended = state.ended;
  useEffect(() => {
    if (!ended) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, ended.at + ENDED_NOTICE_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [ended]);
  if (!ended || Date.now() - ended.at >= ENDED_NOTICE_MS) return null;
  return (
    <p className={`ended ended-${ended.outcome}`} data-phase={ended.outcome} role="status">
      {t(`ended_${ended.outcome}`)}
    </p>
  );
}

function Pause({ state, busy }: { state: StaffState; busy: boolean }) {
  const t = useT();
  const [reason, setReason] = useState('');
  return (
    <div className="card pause">
      <p className="card-title">{t('pause_reason')}</p>
      <div className="reasons">
        {t('reasons')
          .split(',')
          .map((r) => (
            <button
              key={r}
              className={reason === r ? 'choice on' : 'choice'}
              aria-pressed={reason === r}
              onClick={() => setReason(r)}
            >
              {r}
            </button>
          ))}
      </div>
      <button
        className="secondary pause-button"
        disabled={!reason || busy}
        onClick={() => void state.run({ name: 'pause', request: { reason } })}
      >
        {reason ? t('pause') : t('pick_reason')}
      </button>
    </div>
  );
}

/** The shift summary, modal: the keypad and buttons behind it do nothing until it is closed. */
function Summary({ summary, onClose }: { summary: ShiftSummary; onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
  }, []);
  const minutes = Math.floor(summary.pausedSeconds / 60);
  const seconds = summary.pausedSeconds % 60;
  return (
    <dialog ref={ref} className="summary" aria-labelledby="summary-title" onCancel={onClose}>
      <h2 id="summary-title">{t('summary')}</h2>
      <p>
        {summary.name} · {summary.staffNo}
      </p>
      <dl>
        <dt>{t('invitations')}</dt>
        <dd data-count="invitations">{summary.invitations}</dd>
        <dt>{t('rated')}</dt>
        <dd data-count="rated">{summary.rated}</dd>
        <dt>{t('unrated')}</dt>
        <dd data-count="unrated">{summary.unrated}</dd>
        <dt>{t('cancelled')}</dt>
        <dd data-count="cancelled">{summary.cancelled}</dd>
        <dt>{t('stray')}</dt>
        <dd data-count="strayPresses">{summary.strayPresses}</dd>
        <dt>{t('pauses')}</dt>
        <dd data-count="pauses">{summary.pauses}</dd>
        <dt>{t('paused_time')}</dt>
        <dd data-count="pausedSeconds">{t('minutes_seconds', { m: minutes, s: seconds })}</dd>
      </dl>
      <button className="primary" onClick={onClose}>
        {t('close')}
      </button>
    </dialog>
  );
}
