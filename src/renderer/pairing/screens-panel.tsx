/**
 * Technician mode's 屏幕配对 (browser host only): issue a one-time pairing code for a citizen screen, a staff panel
 * or another technician screen, see the paired screens (name, role, when paired, when last seen, whether connected
 * now: never a token), and revoke one, which closes its connection at once. Runs in the browser.
 */
import { useEffect, useState } from 'react';
import { ROLE_LABELS, ROLE_PATHS } from '../../shared/screen-pairing.js';
import type { PairedScreenView, PairingCodeView, UiRole } from '../../shared/ui-contract.js';
import type { TechState } from '../tech/tech-store.js';

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '—');

export function ScreensPanel({ state }: { state: TechState }) {
  const [role, setRole] = useState<UiRole>('citizen');
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<PairingCodeView | null>(null);
  // Revoking asks once more, on the button itself (no browser dialog on a kiosk).
  const [confirming, setConfirming] = useState<string | null>(null);
  const screens = (state.last.listScreens as PairedScreenView[] | undefined) ?? [];
  useEffect(() => {
    void state.run({ name: 'listScreens' });
    const timer = setInterval(() => void state.run({ name: 'listScreens' }), 3000);
    return () => clearInterval(timer);
  }, []);
  const issue = async () => {
    const code = await state.run<PairingCodeView>({ name: 'pairScreen', role, label: label || ROLE_LABELS[role] });
    setIssued(code);
  };
  const revoke = async (screen: PairedScreenView) => {
    if (confirming !== screen.id) return setConfirming(screen.id);
    setConfirming(null);
    await state.run({ name: 'revokeScreen', id: screen.id });
    await state.run({ name: 'listScreens' });
  };
  const link = issued ? `${location.origin}${ROLE_PATHS[issued.role]}#pair=${issued.code}` : '';
  return (
    <section className="step screens">
      <h2>配对新屏幕</h2>
      <div className="pair-form">
        <label>
          屏幕
          <select aria-label="屏幕类型" value={role} onChange={(e) => setRole(e.target.value as UiRole)}>
            {(Object.keys(ROLE_LABELS) as UiRole[]).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <label>
          名称
          <input
            aria-label="屏幕名称"
            placeholder={`例如：1号窗口 ${ROLE_LABELS[role]}`}
            maxLength={40}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        <button className="primary" onClick={() => void issue()}>
          生成配对码
        </button>
      </div>
      {issued && (
        <div className="issued" data-role={issued.role}>
          <p>
            在{ROLE_LABELS[issued.role]}“{issued.label}”上输入配对码（一次有效，{time(issued.expiresAt)} 前）：
          </p>
          <output className="pairing-code" aria-label="配对码">
            {`${issued.code.slice(0, 4)} ${issued.code.slice(4)}`}
          </output>
          <p className="link">
            或在该屏幕上打开：<code>{link}</code>
          </p>
        </div>
      )}
      <h2>已配对的屏幕</h2>
      {screens.length === 0 ? (
        <p>尚无已配对的屏幕</p>
      ) : (
        <table className="paired">
          <thead>
            <tr>
              <th>名称</th>
              <th>类型</th>
              <th>配对时间</th>
              <th>最近连接</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {screens.map((s) => (
              <tr key={s.id} data-screen-id={s.id}>
                <td>{s.label}</td>
                <td>{ROLE_LABELS[s.role]}</td>
                <td>{time(s.createdAt)}</td>
                <td>{time(s.lastSeenAt)}</td>
                <td>{s.connected ? '在线' : '离线'}</td>
                <td>
                  <button className="danger" onClick={() => void revoke(s)}>
                    {confirming === s.id ? '确认撤销（该屏幕将立即断开）' : '撤销'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
