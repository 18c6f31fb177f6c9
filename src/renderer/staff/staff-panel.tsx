/**
 * The staff panel (a second window in Electron, /staff in the browser host): log in with staff number and PIN on a
 * keypad, ask for a rating, pause with a reason and resume, log out with the shift summary. It shows the state of
 * the evaluator, the central system and the queue — and never how anyone rated (第五条). Runs in the browser.
 */
import { useState } from 'react';
import { useStore, type StoreApi } from 'zustand';
import { errorText, useLang, useT } from '../i18n.js';
import type { StaffState } from './staff-store.js';

export function StaffPanel({ store }: { store: StoreApi<StaffState> }) {
  const state = useStore(store);
  const t = useT();
  const lang = useLang((s) => s.lang);
  const status = state.status;
  return (
    <main className="staff">
      <header>
        <strong>{status?.window?.name ?? ''}</strong>
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
      {!status && <p>{t('connecting')}</p>}
      {status && !status.shift && <Login state={state} />}
      {status?.shift && <Shift state={state} />}
      {state.error && (
        <p className="error" role="alert">
          {errorText(lang, state.error)}
        </p>
      )}
      {state.summary && (
        <dialog open className="summary">
          <h2>{t('summary')}</h2>
          <p>
            {state.summary.name} · {state.summary.staffNo}
          </p>
          <dl>
            <dt>{t('invitations')}</dt>
            <dd data-count="invitations">{state.summary.invitations}</dd>
            <dt>{t('rated')}</dt>
            <dd data-count="rated">{state.summary.rated}</dd>
            <dt>{t('unrated')}</dt>
            <dd data-count="unrated">{state.summary.unrated}</dd>
            <dt>{t('cancelled')}</dt>
            <dd data-count="cancelled">{state.summary.cancelled}</dd>
            <dt>{t('stray')}</dt>
            <dd data-count="strayPresses">{state.summary.strayPresses}</dd>
            <dt>{t('pauses')}</dt>
            <dd data-count="pauses">{state.summary.pauses}</dd>
          </dl>
          <button onClick={() => state.dismiss()}>{t('close')}</button>
        </dialog>
      )}
    </main>
  );
}

function StatusLine({ state }: { state: StaffState }) {
  const t = useT();
  const s = state.status;
  if (!s) return null;
  const central = t(s.central.state);
  // Offline is worth a glance; a kiosk that delivers nothing or takes no configuration (insecure_url,
  // no_central_key) needs the technician: both are shown as warnings, in words.
  const warn = s.central.state !== 'online' && s.central.state !== 'not_enrolled';
  return (
    <span className="status-line">
      <span data-status="evaluator">
        {t('evaluator')}：{t(`state_${s.evaluator.state}`)}
      </span>
      <span data-status="central" data-state={s.central.state} className={warn ? 'warn' : ''}>
        {t('central')}：{central}
      </span>
      <span data-status="queue">
        {t('queue')}：{s.queue.pending}
        {s.central.state === 'online' && s.queue.pending > 0 && <progress aria-label={t('uploading')} />}
      </span>
    </span>
  );
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0', 'OK'];

function Login({ state }: { state: StaffState }) {
  const t = useT();
  const [staffNo, setStaffNo] = useState('');
  const [pin, setPin] = useState('');
  const [field, setField] = useState<'staffNo' | 'pin'>('staffNo');
  const submit = async () => {
    if (await state.run({ name: 'login', request: { staffNo, pin } })) setPin('');
    else setPin('');
  };
  const press = (k: string) => {
    if (k === 'OK') return field === 'staffNo' ? setField('pin') : void submit();
    const set = field === 'staffNo' ? setStaffNo : setPin;
    set((v) => (k === '⌫' ? v.slice(0, -1) : v.length < 12 ? v + k : v));
  };
  return (
    <section className="login">
      <h1>{t('staff_login')}</h1>
      <label className={field === 'staffNo' ? 'field active' : 'field'} onClick={() => setField('staffNo')}>
        {t('staff_no')}
        <output data-field="staffNo">{staffNo}</output>
      </label>
      <label className={field === 'pin' ? 'field active' : 'field'} onClick={() => setField('pin')}>
        {t('pin')}
        <output data-field="pin">{'•'.repeat(pin.length)}</output>
      </label>
      <div className="keypad">
        {KEYS.map((k) => (
          <button key={k} onClick={() => press(k)}>
            {k}
          </button>
        ))}
      </div>
      <button className="primary" disabled={!staffNo || pin.length < 4} onClick={() => void submit()}>
        {t('login')}
      </button>
    </section>
  );
}

function Shift({ state }: { state: StaffState }) {
  const t = useT();
  const status = state.status!;
  const shift = status.shift!;
  const items = state.view?.serviceItems ?? [];
  const [item, setItem] = useState('');
  const [caseNo, setCaseNo] = useState('');
  const [reason, setReason] = useState('');
  const invite = () =>
    void state.run({
      name: 'invite',
      request: { ...(item ? { serviceItemCode: item } : {}), ...(caseNo.trim() ? { caseNo: caseNo.trim() } : {}) },
    });
  return (
    <section className="shift">
      <h1>
        {shift.name} · {shift.staffNo}
      </h1>
      {shift.paused ? (
        <div className="paused-box">
          <p>
            {t('paused')}：{shift.pauseReason}
          </p>
          <button className="primary" onClick={() => void state.run({ name: 'resume' })}>
            {t('resume')}
          </button>
        </div>
      ) : (
        <>
          <div className="invite">
            <select value={item} onChange={(e) => setItem(e.target.value)} aria-label={t('service_item')}>
              <option value="">{t('service_item')}</option>
              {items.map((i) => (
                <option key={i.code} value={i.code}>
                  {i.name}
                </option>
              ))}
            </select>
            <input
              placeholder={t('case_no')}
              aria-label={t('case_no')}
              value={caseNo}
              maxLength={64}
              onChange={(e) => setCaseNo(e.target.value)}
            />
            {status.invitation ? (
              <>
                <p className="waiting">{t('waiting_rating')}</p>
                <button onClick={() => void state.run({ name: 'cancelInvitation', id: status.invitation!.id })}>
                  {t('cancel')}
                </button>
              </>
            ) : (
              <button className="primary invite-button" onClick={invite}>
                {t('invite')}
              </button>
            )}
          </div>
          <div className="pause">
            {t('reasons')
              .split(',')
              .map((r) => (
                <button key={r} className={reason === r ? 'on' : ''} onClick={() => setReason(r)}>
                  {r}
                </button>
              ))}
            <button disabled={!reason} onClick={() => void state.run({ name: 'pause', request: { reason } })}>
              {t('pause')}
            </button>
          </div>
        </>
      )}
      <button className="logout" onClick={() => void state.logout()}>
        {t('logout')}
      </button>
    </section>
  );
}
