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
import type { TechState } from './tech-store.js';
import { ScreensPanel } from '../pairing/screens-panel.js';
import { KeyOrder, KeyTest } from './key-panels.js';

type Step = 'connect' | 'evaluator' | 'check' | 'diagnostics' | 'screens';

export function TechScreen({ store }: { store: StoreApi<TechState> }) {
  const state = useStore(store);
  const lang = useLang((s) => s.lang);
  const [step, setStep] = useState<Step>('connect');
  if (!state.status) return <main className="tech">正在连接…</main>;
  return (
    <main className="tech">
      <header>
        <h1>技术人员模式</h1>
        {state.status.unlocked && (
          <nav>
            {(['connect', 'evaluator', 'check', 'diagnostics', 'screens'] as const)
              .filter((s) => s !== 'screens' || state.status!.screenPairing)
              .map((s, i) => (
                <button key={s} className={step === s ? 'on' : ''} onClick={() => setStep(s)}>
                  {i < 3 ? `${i + 1}. ` : ''}
                  {
                    {
                      connect: '接入中心',
                      evaluator: '评价器',
                      check: '连接检查',
                      diagnostics: '诊断',
                      screens: '屏幕配对',
                    }[s]
                  }
                </button>
              ))}
          </nav>
        )}
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
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const first = !state.status!.adminPinSet;
  return (
    <section className="lock">
      <h2>{first ? '首次使用：设置管理员密码（6–8 位数字）' : '请输入管理员密码'}</h2>
      <input
        type="password"
        inputMode="numeric"
        aria-label="管理员密码"
        value={pin}
        onChange={(e) => setPin(e.target.value)}
      />
      {first && (
        <input
          type="password"
          inputMode="numeric"
          aria-label="再次输入"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
        />
      )}
      <button
        className="primary"
        disabled={pin.length < (first ? 6 : 4) || (first && pin !== again)}
        onClick={() =>
          void state.run(first ? { name: 'setAdminPin', pin } : { name: 'unlock', pin }).then(() => setPin(''))
        }
      >
        {first ? '设置并进入' : '进入'}
      </button>
    </section>
  );
}

function Connect({ state, next }: { state: TechState; next: () => void }) {
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
        当前：
        {s.mode === 'window' ? '窗口评价器（一次一评）' : s.mode === 'terminal' ? '自助终端（一事一评）' : '尚未设置'}
        {s.enrolled ? ' · 已接入中心系统' : ''}
      </p>
      <h2>接入中心系统（模式、窗口由中心配置）</h2>
      <label>
        中心系统地址
        <input
          aria-label="中心系统地址"
          placeholder="https://hcp.example.gov.cn"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label>
        接入码
        <input
          aria-label="接入码"
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
        {busy ? '正在接入中心系统…' : '接入'}
      </button>
      {busy && <progress aria-label="正在接入" />}
      <h2>无网络：导入配置文件</h2>
      <input
        type="file"
        accept="application/json,.json"
        aria-label="配置文件"
        onChange={(e) => e.target.files?.[0] && void loadFile(e.target.files[0])}
      />
      {s.provisioned && (
        <button onClick={next} className="next">
          下一步
        </button>
      )}
    </section>
  );
}

const BAUDS = [9600, 19200, 38400, 115200] as const;

function Evaluator({ state, next }: { state: TechState; next: () => void }) {
  const input = state.status!.evaluatorInput;
  const [kind, setKind] = useState<'serial' | 'keyboard' | 'touch'>(input.kind);
  const [path, setPath] = useState(input.kind === 'serial' ? input.path : '');
  const [baud, setBaud] = useState<(typeof BAUDS)[number]>(
    input.kind === 'serial' ? (input.baudRate as (typeof BAUDS)[number]) : 9600,
  );
  const [keyMap, setKeyMap] = useState<number[]>(state.status!.keyMap);
  const ports = (state.last.listPorts as { path: string; manufacturer?: string }[] | undefined) ?? [];
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
    <section className="step">
      <div className="choice">
        {(['serial', 'keyboard', 'touch'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />
            {{ serial: '串口评价器', keyboard: '键盘式评价器（按 1–5 / F1–F5）', touch: '仅触摸屏' }[k]}
          </label>
        ))}
      </div>
      {kind === 'serial' && (
        <div className="serial">
          <label>
            串口
            <input
              aria-label="串口"
              list="ports"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="/dev/ttyUSB0 或 COM3"
            />
            <datalist id="ports">
              {ports.map((p) => (
                <option key={p.path} value={p.path}>
                  {p.manufacturer}
                </option>
              ))}
            </datalist>
          </label>
          <p className="ports">可用串口：{ports.map((p) => p.path).join('、') || '无'}</p>
          <label>
            波特率
            <select
              aria-label="波特率"
              value={baud}
              onChange={(e) => setBaud(Number(e.target.value) as (typeof BAUDS)[number])}
            >
              {BAUDS.map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
          </label>
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
        保存
      </button>
      <KeyTest state={state} keyMap={keyMap} testing={testing} onToggle={() => void test(!testing)} />
      <button className="next" onClick={() => void test(false).then(next)}>
        下一步
      </button>
    </section>
  );
}

function Check({ state, next }: { state: TechState; next: () => void }) {
  const result = state.last.checkCentral as { reachable: boolean; url: string | null; message: string } | undefined;
  return (
    <section className="step">
      <button className="primary" onClick={() => void state.run({ name: 'checkCentral' })}>
        检查与中心系统的连接
      </button>
      {result && (
        <p data-check={result.reachable ? 'ok' : 'failed'}>
          {result.reachable
            ? `连接正常：${result.url}`
            : `无法连接${result.url ? `：${result.url}` : ''}（${result.message}）。评价会保存在本机，网络恢复后自动上传。`}
        </p>
      )}
      <button className="next" onClick={next}>
        完成
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
  if (!d) return <p>读取中…</p>;
  // The service reports states and counters by their code names: shown in the screen's words.
  const said = (key: string) => (isKey(key) ? t(key) : key);
  return (
    <section className="diagnostics">
      <div className="cards">
        <div data-diag="evaluator">
          <h3>评价器</h3>
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
          <h3>上传</h3>
          <p
            className={['online', 'not_enrolled'].includes(d.sync.central.state) ? '' : 'warn'}
            data-state={d.sync.central.state}
          >
            中心系统：{said(d.sync.central.state)}
            {d.sync.central.lastError ? `（${d.sync.central.lastError}）` : ''}
          </p>
          <p>
            待上传 {d.sync.queue.pending} · 隔离 {d.sync.queue.quarantined}
          </p>
          {d.sync.quarantined.length > 0 && (
            <>
              <ul>
                {d.sync.quarantined.map((q) => (
                  <li key={q.recordId}>
                    {q.kind} {q.recordId.slice(0, 8)}…：{q.lastError}
                  </li>
                ))}
              </ul>
              <button onClick={() => void state.run({ name: 'retryQuarantined' })}>重新上传隔离记录</button>
            </>
          )}
        </div>
        <div data-diag="system">
          <h3>系统</h3>
          <p>
            版本 {d.versions.app} · Node {d.versions.node}
            {d.versions.electron ? ` · Electron ${d.versions.electron}` : ''}
          </p>
          <p>设备 {d.device.centralDeviceId ?? d.device.id}</p>
          <p>磁盘可用 {d.storage.disk ? `${(d.storage.disk.freeBytes / 2 ** 30).toFixed(1)} GiB` : '未知'}</p>
        </div>
      </div>
      <h3>帧日志（最近 200 帧）</h3>
      <pre className="frames">
        {(d.evaluator.frames ?? [])
          .slice(-40)
          .reverse()
          .map((f) => `${f.at.slice(11, 23)} ${f.dir === 'in' ? '←' : '→'} ${f.type.padEnd(9)} ${f.hex}`)
          .join('\n')}
      </pre>
      <div className="actions">
        <button onClick={exportFile}>导出诊断文件（不含个人信息）</button>
        <button className="danger" onClick={() => void state.run({ name: 'exitKiosk' })}>
          退出信息亭模式
        </button>
      </div>
    </section>
  );
}
