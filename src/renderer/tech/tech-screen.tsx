/**
 * Technician mode (admin PIN, set at first run): the first-run wizard — connection to the central system by
 * enrolment code, or a provision file for a hall with no network; the evaluator input (a serial port from the live
 * list or typed, its speed and key order, then "press each key" with live feedback; or a keyboard-wedge evaluator;
 * or the touchscreen only); a connectivity check — and the diagnostics: evaluator state, counters and frame log,
 * sync state, queue and quarantined records with a retry, versions and disk space, an export without personal
 * data, and leaving kiosk mode. Runs in the browser.
 */
import { useEffect, useState } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Satisfaction } from '../../shared/satisfaction.js';
import { errorText, isKey, useLang, useT } from '../i18n.js';
import { Keypad } from '../keypad.js';
import type { TechState } from './tech-store.js';
import { ScreensPanel } from '../pairing/screens-panel.js';
import { KeyOrder, KeyTest } from './key-panels.js';

type Step = 'connect' | 'evaluator' | 'check' | 'diagnostics' | 'screens';

export function TechScreen({ store }: { store: StoreApi<TechState> }) {
  const state = useStore(store);
  const t = useT();
  const lang = useLang((s) => s.lang);
  // Until the technician picks a step: the wizard for a fresh kiosk, the diagnostics for one that is set up.
  const [picked, setStep] = useState<Step | null>(null);
  if (!state.status) return <main className="tech">{t('tech_connecting')}</main>;
  const step: Step = picked ?? (state.status.provisioned ? 'diagnostics' : 'connect');
  return (
    <main className="tech">
      <header>
        <h1>{t('tech_title')}</h1>
        {state.status.unlocked && (
          <nav>
            {(['connect', 'evaluator', 'check', 'diagnostics', 'screens'] as const)
              .filter((s) => s !== 'screens' || state.status!.screenPairing)
              .map((s, i) => (
                <button key={s} className={step === s ? 'on' : ''} onClick={() => setStep(s)}>
                  {i < 3 ? `${i + 1}. ` : ''}
                  {t(`step_${s}`)}
                </button>
              ))}
          </nav>
        )}
        <button className="lang" onClick={() => useLang.getState().toggle()}>
          {t('lang')}
        </button>
      </header>
      {state.error && (
        <p className="error" role="alert">
          {errorText(lang, state.error)}
          {state.error.code === 'invalid_request' ? `：${state.error.message}` : ''}
        </p>
      )}
      {!state.status.unlocked ? (
        <Lock state={state} />
      ) : (
        <>
          {step === 'connect' && <Connect state={state} next={() => setStep('evaluator')} />}
          {step === 'evaluator' && <Evaluator state={state} next={() => setStep('check')} />}
          {step === 'check' && <Check state={state} next={() => setStep('diagnostics')} />}
          {step === 'diagnostics' && <Diagnostics state={state} />}
          {step === 'screens' && <ScreensPanel state={state} />}
        </>
      )}
    </main>
  );
}

function Lock({ state }: { state: TechState }) {
  const t = useT();
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const first = !state.status!.adminPinSet;
  const [field, setField] = useState<'pin' | 'again'>('pin');
  const ready = pin.length >= (first ? 6 : 4) && (!first || pin === again);
  const submit = () => {
    if (!ready) return;
    void state.run(first ? { name: 'setAdminPin', pin } : { name: 'unlock', pin }).then(() => {
      setPin('');
      setAgain('');
      setField('pin');
    });
  };
  const press = (k: string) => {
    if (k === 'OK') return first && field === 'pin' ? setField('again') : submit();
    const set = field === 'pin' ? setPin : setAgain;
    set((v) => (k === '⌫' ? v.slice(0, -1) : v.length < 8 ? v + k : v));
  };
  const digits = (v: string) => v.replace(/\D/g, '').slice(0, 8);
  return (
    <section className="lock">
      {/* A form, so that Enter submits from a keyboard; the keypad serves a touch-only terminal. */}
      <form
        className="lock-fields"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2>{first ? t('lock_first') : t('lock_enter')}</h2>
        <input
          type="password"
          inputMode="none"
          autoComplete="off"
          aria-label={t('admin_pin')}
          placeholder={t('admin_pin')}
          className={field === 'pin' ? 'active' : ''}
          value={pin}
          onFocus={() => setField('pin')}
          onChange={(e) => setPin(digits(e.target.value))}
        />
        {first && (
          <input
            type="password"
            inputMode="none"
            autoComplete="off"
            aria-label={t('admin_pin_again')}
            placeholder={t('admin_pin_again')}
            className={field === 'again' ? 'active' : ''}
            value={again}
            onFocus={() => setField('again')}
            onChange={(e) => setAgain(digits(e.target.value))}
          />
        )}
        {first && again.length >= pin.length && again !== pin && pin.length > 0 && (
          <p className="hint">{t('pins_differ')}</p>
        )}
        <button type="submit" className="primary" disabled={!ready}>
          {first ? t('lock_set') : t('lock_open')}
        </button>
      </form>
      <Keypad onKey={press} />
    </section>
  );
}

function Connect({ state, next }: { state: TechState; next: () => void }) {
  const t = useT();
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const s = state.status!;
  const loadFile = async (file: File) => {
    let config: unknown;
    try {
      config = JSON.parse(await file.text());
    } catch {
      config = null;
    }
    if (await state.run({ name: 'provision', config })) next();
  };
  return (
    <section className="step">
      <p>
        {t('mode_now', {
          mode: t(s.mode === 'window' ? 'mode_window' : s.mode === 'terminal' ? 'mode_terminal' : 'mode_none'),
        })}
        {s.enrolled ? t('enrolled_now') : ''}
      </p>
      <h2>{t('enrol_title')}</h2>
      <label>
        {t('central_url')}
        <input
          aria-label={t('central_url')}
          placeholder="https://hcp.example.gov.cn"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label>
        {t('enrol_code')}
        <input
          aria-label={t('enrol_code')}
          placeholder="K7QP-3MZD"
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
        />
      </label>
      <button
        className="primary"
        disabled={busy || !url || code.length < 4}
        onClick={() => {
          setBusy(true);
          void state.run({ name: 'enroll', centralUrl: url, code }).then((r) => {
            setBusy(false);
            if (r) next();
          });
        }}
      >
        {busy ? t('enrolling') : t('enrol')}
      </button>
      {busy && <progress aria-label={t('enrolling')} />}
      <h2>{t('provision_title')}</h2>
      <input
        type="file"
        accept="application/json,.json"
        aria-label={t('provision_file')}
        onChange={(e) => e.target.files?.[0] && void loadFile(e.target.files[0])}
      />
      {s.provisioned && (
        <button onClick={next} className="next">
          {t('next')}
        </button>
      )}
    </section>
  );
}

const BAUDS = [9600, 19200, 38400, 115200] as const;

function Evaluator({ state, next }: { state: TechState; next: () => void }) {
  const t = useT();
  const input = state.status!.evaluatorInput;
  const [kind, setKind] = useState<'serial' | 'keyboard' | 'touch'>(input.kind);
  const [path, setPath] = useState(input.kind === 'serial' ? input.path : '');
  const [baud, setBaud] = useState<(typeof BAUDS)[number]>(
    input.kind === 'serial' ? (input.baudRate as (typeof BAUDS)[number]) : 9600,
  );
  const [keyMap, setKeyMap] = useState<number[]>(state.status!.keyMap);
  const listed = state.last.listPorts as
    { ports: { path: string; manufacturer?: string }[]; note: 'no_udevadm' | 'no_listing' | null } | undefined;
  const ports = listed?.ports ?? [];
  const testing = state.keyTest !== null;
  useEffect(() => {
    void state.run({ name: 'listPorts' });
    const timer = setInterval(() => void state.run({ name: 'listPorts' }), 3000);
    return () => clearInterval(timer);
  }, []);
  const inForce = state.status!.keyMap;
  const changed = keyMap.some((level, i) => level !== inForce[i]);
  // Each level on one key only: a map naming a level twice would turn presses into that level (the service refuses it).
  const permutation = new Set(keyMap).size === 5;
  const chosen = () => (kind === 'serial' ? { kind, path, baudRate: baud } : { kind });
  const save = async () => {
    // The order goes only when it was changed here: a local order overrides the centre's, and the centre is told.
    await state.run({ name: 'setInput', input: chosen(), ...(changed ? { keyMap: keyMap as Satisfaction[] } : {}) });
  };
  const useCentralKeyMap = async () => {
    const status = await state.run<{ keyMap: number[] }>({ name: 'setInput', input: chosen(), keyMap: null });
    if (status) setKeyMap(status.keyMap);
  };
  // Refused while a staff member is logged in or an invitation is open: the test is then off, and the error shown.
  const test = (on: boolean) => state.setKeyTest(on);
  return (
    <section className="evaluator-step">
      <div>
        <div className="choice">
          {(['serial', 'keyboard', 'touch'] as const).map((k) => (
            <label key={k}>
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />
              <span>{t(`input_${k}`)}</span>
            </label>
          ))}
        </div>
        {kind === 'serial' && (
          <div className="serial">
            <label>
              {t('serial_port')}
              <input
                aria-label={t('serial_port')}
                list="ports"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder={t('serial_placeholder')}
              />
              <datalist id="ports">
                {ports.map((p) => (
                  <option key={p.path} value={p.path}>
                    {p.manufacturer}
                  </option>
                ))}
              </datalist>
            </label>
            <label>
              {t('baud')}
              <select
                aria-label={t('baud')}
                value={baud}
                onChange={(e) => setBaud(Number(e.target.value) as (typeof BAUDS)[number])}
              >
                {BAUDS.map((b) => (
                  <option key={b}>{b}</option>
                ))}
              </select>
            </label>
            <p className="ports" data-ports={ports.length}>
              {ports.length > 0 ? t('ports_found', { ports: ports.map((p) => p.path).join('、') }) : t('ports_none')}
            </p>
            {listed?.note && <p className="hint">{t(`ports_${listed.note}`)}</p>}
          </div>
        )}
        <KeyOrder
          state={state}
          keyMap={keyMap}
          onChange={setKeyMap}
          permutation={permutation}
          onUseCentral={() => void useCentralKeyMap()}
        />
        <button className="primary" disabled={(kind === 'serial' && !path) || !permutation} onClick={() => void save()}>
          {t('save')}
        </button>
      </div>
      <div>
        <KeyTest state={state} keyMap={keyMap} testing={testing} onToggle={() => void test(!testing)} />
        <button className="next" onClick={() => void test(false).then(next)}>
          {t('next')}
        </button>
      </div>
    </section>
  );
}

function Check({ state, next }: { state: TechState; next: () => void }) {
  const t = useT();
  const result = state.last.checkCentral as { reachable: boolean; url: string | null; message: string } | undefined;
  return (
    <section className="step">
      <button className="primary" onClick={() => void state.run({ name: 'checkCentral' })}>
        {t('check_central')}
      </button>
      {result && (
        <p data-check={result.reachable ? 'ok' : 'failed'}>
          {result.reachable
            ? t('check_ok', { url: result.url ?? '' })
            : t('check_failed', { url: result.url ? `：${result.url}` : '', message: result.message })}
        </p>
      )}
      <button className="next" onClick={next}>
        {t('done')}
      </button>
    </section>
  );
}

interface Diag {
  versions: Record<string, string | null>;
  device: { id: string; centralDeviceId: string | null; mode: string | null };
  evaluator: {
    status: { state: string; model?: string; firmware?: string; serial?: string };
    counters?: Record<string, number>;
    frames?: { at: string; dir: string; type: string; hex: string }[];
  };
  sync: {
    central: { state: string; lastError: string | null };
    queue: { pending: number; quarantined: number };
    quarantined: { recordId: string; kind: string; lastError: string }[];
  };
  storage: { full: boolean; disk: { freeBytes: number; totalBytes: number } | null };
}

function Diagnostics({ state }: { state: TechState }) {
  const t = useT();
  const d = state.last.diagnostics as Diag | undefined;
  useEffect(() => {
    void state.run({ name: 'diagnostics' });
    const timer = setInterval(() => void state.run({ name: 'diagnostics' }), 2000);
    return () => clearInterval(timer);
  }, []);
  const exportFile = () => {
    const blob = new Blob([JSON.stringify(d, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `hcp-diagnostics-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
    a.click();
  };
  if (!d) return <p>{t('reading')}</p>;
  // The service reports states and counters by their code names: shown in the screen's words.
  const said = (key: string) => (isKey(key) ? t(key) : key);
  return (
    <section className="diagnostics">
      <div className="cards">
        <div data-diag="evaluator">
          <h3>{t('diag_evaluator')}</h3>
          <p>
            {said(`state_${d.evaluator.status.state}`)} {d.evaluator.status.model ?? ''}{' '}
            {d.evaluator.status.firmware ?? ''} {d.evaluator.status.serial ?? ''}
          </p>
          {d.evaluator.counters && (
            <p className="counters">
              {Object.entries(d.evaluator.counters).map(([k, v]) => (
                <span key={k}>{`${said(`counter_${k}`)} ${v}`}</span>
              ))}
            </p>
          )}
        </div>
        <div data-diag="sync">
          <h3>{t('diag_sync')}</h3>
          <p
            className={['online', 'not_enrolled'].includes(d.sync.central.state) ? '' : 'warn'}
            data-state={d.sync.central.state}
          >
            {t('diag_central', { state: said(d.sync.central.state) })}
            {d.sync.central.lastError ? `（${d.sync.central.lastError}）` : ''}
          </p>
          <p>{t('diag_queue', d.sync.queue)}</p>
          {d.sync.quarantined.length > 0 && (
            <>
              <ul>
                {d.sync.quarantined.map((q) => (
                  <li key={q.recordId}>
                    {q.kind} {q.recordId.slice(0, 8)}…：{q.lastError}
                  </li>
                ))}
              </ul>
              <button onClick={() => void state.run({ name: 'retryQuarantined' })}>{t('diag_retry')}</button>
            </>
          )}
        </div>
        <div data-diag="system">
          <h3>{t('diag_system')}</h3>
          <p>
            {t('diag_version', { app: d.versions.app, node: d.versions.node })}
            {d.versions.electron ? ` · Electron ${d.versions.electron}` : ''}
          </p>
          <p className="device-id">{t('diag_device', { id: d.device.centralDeviceId ?? d.device.id })}</p>
          <p>
            {t('diag_disk', {
              free: d.storage.disk ? `${(d.storage.disk.freeBytes / 2 ** 30).toFixed(1)} GiB` : t('diag_unknown'),
            })}
          </p>
        </div>
      </div>
      <h3>{t('diag_frames')}</h3>
      <pre className="frames">
        {(d.evaluator.frames ?? [])
          .slice(-40)
          .reverse()
          .map((f) => `${f.at.slice(11, 23)} ${f.dir === 'in' ? '←' : '→'} ${f.type.padEnd(9)} ${f.hex}`)
          .join('\n')}
      </pre>
      <div className="actions">
        <button onClick={exportFile}>{t('diag_export')}</button>
        <button className="danger" onClick={() => void state.run({ name: 'exitKiosk' })}>
          {t('diag_exit')}
        </button>
      </div>
    </section>
  );
}
