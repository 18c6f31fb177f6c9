/**
 * The browser host's unpaired screen: until the technician pairs it (docs/install.md, "Pairing the screens"), a
 * screen shows only this — who to call, and a keypad for the eight-digit pairing code the technician gives. Under
 * the Electron shell there is no pairing: the gate shows its screen at once. Runs in the browser.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../shared/result.js';
import type { ScreenPairing } from '../ui-client.js';

const PAIRING_ERRORS: Record<string, string> = {
  pairing_code_invalid: '配对码不正确、已使用或已过期，请向技术人员重新获取',
  pairing_wrong_role: '此配对码用于另一块屏幕，请在对应的屏幕上输入',
  forbidden_origin: '请在本机的评价终端页面上配对',
  disconnected: '无法连接评价服务，请稍后再试',
};

/** Shows `children` while this screen is paired (always, without a pairing), else the pairing screen. */
export function PairingGate({ pairing, children }: { pairing: ScreenPairing | null; children: ReactNode }) {
  const [paired, setPaired] = useState<boolean | null>(pairing ? null : true);
  useEffect(() => pairing?.onChange(setPaired), [pairing]);
  if (paired === null) return null;
  return paired || !pairing ? children : <PairingScreen pairing={pairing} />;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '清除', '0', '删除'] as const;

export function PairingScreen({ pairing }: { pairing: ScreenPairing }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const press = (key: (typeof KEYS)[number]) => {
    setError(null);
    if (key === '清除') setCode('');
    else if (key === '删除') setCode((c) => c.slice(0, -1));
    else setCode((c) => (c.length < 8 ? c + key : c));
  };
  const submit = async () => {
    setBusy(true);
    const result = await pairing.pair(code);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      setCode('');
    }
  };
  return (
    <main className="pairing" data-screen="unpaired">
      <h1>本屏幕尚未配对，请联系技术人员</h1>
      <p>技术人员在“技术人员模式 → 屏幕配对”中生成配对码后，在此输入：</p>
      <output className="pairing-code" aria-label="配对码">
        {code.padEnd(8, '·').replace(/^(.{4})/, '$1 ')}
      </output>
      <div className="keypad">
        {KEYS.map((k) => (
          <button key={k} onClick={() => press(k)} aria-label={k}>
            {k}
          </button>
        ))}
      </div>
      <button className="primary" disabled={busy || code.length !== 8} onClick={() => void submit()}>
        {busy ? '正在配对…' : '配对'}
      </button>
      {error && (
        <p className="error" role="alert">
          {PAIRING_ERRORS[error.code] ?? `配对失败（${error.code}）`}
        </p>
      )}
    </main>
  );
}
