/**
 * 登录: name and password, with every refusal in words (wrong password, locked and for how long, too many
 * attempts); a one-time password goes on to 修改密码. With `#ticket=<t>` in its address (the demo's
 * sign-in), it posts the ticket once, removes it from the address, and goes on as after a login. Runs in the
 * browser.
 */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { SignedIn } from '../../../shared/accounts-api.js';
import { LOCKOUT_MINUTES, MAX_FAILED_LOGINS } from '../../../shared/password-policy.js';
import { ApiError, post } from '../../api.js';
import { useAuth } from '../../auth.js';
import { errorInWords } from '../../components/error-words.js';
import { dateTime } from '../../components/format.js';
import { t, useLanguage } from '../../i18n.js';
import './messages.js';

/** A refusal of the login in words. */
export function loginErrorInWords(error: unknown, now = Date.now()): string {
  if (!(error instanceof ApiError)) return errorInWords(error);
  if (error.code === 'bad_credentials') {
    return t('login.bad_credentials', { max: MAX_FAILED_LOGINS, minutes: LOCKOUT_MINUTES });
  }
  if (error.code === 'account_locked') {
    const until = typeof error.details.lockedUntil === 'string' ? Date.parse(error.details.lockedUntil) : NaN;
    if (Number.isNaN(until)) return t('login.locked.unknown', { minutes: LOCKOUT_MINUTES });
    const minutes = Math.ceil((until - now) / 60_000);
    const left = minutes >= 1 ? t('time.minutes', { n: minutes }) : t('time.lessThanMinute');
    // The centre's clock time (Beijing), whatever the browser's zone.
    const clock = dateTime(new Date(until).toISOString()).slice(11, 16);
    return t('login.locked', { left, until: clock });
  }
  if (error.code === 'rate_limited') return t('login.rate_limited');
  return errorInWords(error);
}

/** The ticket of `#ticket=<t>`, or null. */
function ticketOf(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('ticket');
  return value ? value : null;
}

export function LoginPage() {
  useLanguage();
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ticketTried = useRef(false);
  const from = (location.state as { from?: string } | null)?.from;

  const goOn = (answer: SignedIn) => {
    auth.signedIn(answer);
    const next = answer.account.mustChangePassword ? '/password' : from && from !== '/login' ? from : '/';
    void navigate(next, { replace: true });
  };

  useEffect(() => {
    const ticket = ticketOf(location.hash);
    if (!ticket || ticketTried.current) return;
    // Once, even under StrictMode's double effects; and out of the address at once, so it is neither kept in the
    // history nor shown to whoever looks at the screen.
    ticketTried.current = true;
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    setBusy(true);
    post<SignedIn>('/api/v1/auth/ticket', { ticket })
      .then(goOn)
      .catch(() => setError(t('login.ticket_failed')))
      .finally(() => setBusy(false));
  }, []);

  if (auth.account && !busy) {
    return <Navigate to={auth.account.mustChangePassword ? '/password' : '/'} replace />;
  }

  const onFinish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      goOn(await post<SignedIn>('/api/v1/auth/login', values));
    } catch (failure) {
      setError(loginErrorInWords(failure));
    } finally {
      setBusy(false);
    }
  };

  const notice =
    auth.signedOutReason === 'expired'
      ? t('login.expired')
      : auth.signedOutReason === 'logged_out'
        ? t('login.logged_out')
        : null;
  return (
    <main className="console-login">
      <Card className="console-login-card" variant="borderless">
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <span className="console-emblem" aria-hidden style={{ width: 44, height: 44, fontSize: 20 }}>
            评
          </span>
          <Typography.Title level={3} style={{ margin: '12px 0 4px' }}>
            {t('app.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
        </div>
        {notice && !error ? <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} /> : null}
        {error ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        ) : null}
        {busy && ticketTried.current ? (
          <Alert type="info" title={t('login.ticket')} style={{ marginBottom: 16 }} />
        ) : null}
        <Form
          layout="vertical"
          requiredMark={false}
          onFinish={(v: { username: string; password: string }) => void onFinish(v)}
        >
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.required.username') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.required.password') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph
          type="secondary"
          style={{ marginTop: 24, marginBottom: 0, fontSize: 12, textAlign: 'center' }}
        >
          {t('login.footer')}
        </Typography.Paragraph>
      </Card>
    </main>
  );
}
