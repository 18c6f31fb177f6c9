/**
 * Technician mode's 屏幕配对 (browser host only): issue a one-time pairing code for a citizen screen, a staff panel
 * or another technician screen, see the paired screens (name, role, when paired, when last seen, whether connected
 * now: never a token), and revoke one, which closes its connection at once. Runs in the browser.
 */
import { useEffect, useState } from 'react';
import { ROLE_LABELS, ROLE_PATHS } from '../../shared/screen-pairing.js';
import type { PairedScreenView, PairingCodeView, UiRole } from '../../shared/ui-contract.js';
import { useLang, useT } from '../i18n.js';
import type { TechState } from '../tech/tech-store.js';

const time = (iso: string | null, lang: 'zh' | 'en') =>
  iso ? new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) : '—';

export function ScreensPanel({ state }: { state: TechState }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const roleName = (r: UiRole) => t(`role_${r}`);
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
      <h2>{t('pair_new')}</h2>
      <div className="pair-form">
        <label>
          {t('pair_screen')}
          <select aria-label={t('pair_type')} value={role} onChange={(e) => setRole(e.target.value as UiRole)}>
            {(Object.keys(ROLE_LABELS) as UiRole[]).map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('pair_name')}
          <input
            aria-label={t('pair_label')}
            placeholder={t('pair_example', { role: roleName(role) })}
            maxLength={40}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        <button className="primary" onClick={() => void issue()}>
          {t('pair_issue')}
        </button>
      </div>
      {issued && (
        <div className="issued" data-role={issued.role}>
          <p>
            {t('pair_enter', { role: roleName(issued.role), label: issued.label, until: time(issued.expiresAt, lang) })}
          </p>
          <output className="pairing-code" aria-label={t('pair_code')}>
            {`${issued.code.slice(0, 4)} ${issued.code.slice(4)}`}
          </output>
          <p className="link">
            {t('pair_link')}
            <code>{link}</code>
          </p>
        </div>
      )}
      <h2>{t('paired_title')}</h2>
      {screens.length === 0 ? (
        <p>{t('paired_none')}</p>
      ) : (
        <table className="paired">
          <thead>
            <tr>
              <th>{t('pair_name')}</th>
              <th>{t('pair_screen')}</th>
              <th>{t('paired_at')}</th>
              <th>{t('paired_seen')}</th>
              <th>{t('paired_state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {screens.map((s) => (
              <tr key={s.id} data-screen-id={s.id}>
                <td>{s.label}</td>
                <td>{roleName(s.role)}</td>
                <td>{time(s.createdAt, lang)}</td>
                <td>{time(s.lastSeenAt, lang)}</td>
                <td>{s.connected ? t('paired_online') : t('paired_offline')}</td>
                <td>
                  <button className="danger" onClick={() => void revoke(s)}>
                    {confirming === s.id ? t('pair_revoke_confirm') : t('pair_revoke')}
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
