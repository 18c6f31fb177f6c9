/**
 * The browser host's unpaired screen: until the technician pairs it (docs/install.md, "Pairing the screens"), a
 * screen shows only this — who to call, and a keypad for the eight-digit pairing code the technician gives. Under
 * the Electron shell there is no pairing: the gate shows its screen at once. Runs in the browser.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../shared/result.js';
import { ROLE_PATHS, roleForAddress } from '../../shared/screen-pairing.js';
import type { UiRole } from '../../shared/ui-contract.js';
import type { PairingState, ScreenPairing } from '../ui-client.js';

const PAIRING_ERRORS: Record<string, string> = {
  pairing_code_invalid: '配对码不正确、已使用或已过期，请向技术人员重新获取',
  pairing_wrong_role: '此配对码用于另一块屏幕，请在对应的屏幕上输入',
  forbidden_origin: '请在本机的评价终端页面上配对',
  disconnected: '无法连接评价服务，请稍后再试',
};

/**
 * Shows the screen of the role this screen is paired for (under the Electron shell, at once, the address's role
 * `role`), else the pairing screen. A paired screen opened at another role's address shows its own role's screen,
 * and the address is corrected to say so: a staff panel's browser opening `/` gets the staff panel, not a citizen
 * screen it could rate on.
 */
export function PairingGate({
  pairing,
  role,
  screen,
}: {
  pairing: ScreenPairing | null;
  role: UiRole;
  screen: (role: UiRole) => ReactNode;
}) {
  const [state, setState] = useState<PairingState | null>(pairing ? null : { paired: true, role });
  useEffect(() => pairing?.onChange(setState), [pairing]);
  const shown = state?.paired ? state.role : null;
  useEffect(() => {
    if (pairing && shown && shown !== roleForAddress(location.pathname, location.hash))
      history.replaceState(null, '', ROLE_PATHS[shown] + location.search);
  }, [pairing, shown]);
  if (state === null) return null;
  return shown ? screen(shown) : <PairingScreen pairing={pairing!} />;
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
