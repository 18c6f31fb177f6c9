/**
 * 修改密码: the policy (src/shared/password-policy.ts, the very rule the centre applies) shown beside the form and
 * ticked off as the new password is typed. Forced after a one-time or reset password: then nothing else of the
 * console is reachable until it is done. Runs in the browser.
 */
import { CheckCircleFilled, CloseCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Row, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_CLASSES,
  PASSWORD_MIN_LENGTH,
  passwordRulesBroken,
  type PasswordRule,
} from '../../../shared/password-policy.js';
import { ApiError, post } from '../../api.js';
import { useAuth } from '../../auth.js';
import { errorInWords } from '../../components/error-words.js';
import { PageFrame } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import '../login/messages.js';

const RULES: { rule: PasswordRule | 'different'; n?: number }[] = [
  { rule: 'min_length', n: PASSWORD_MIN_LENGTH },
  { rule: 'classes', n: PASSWORD_MIN_CLASSES },
  { rule: 'not_username' },
  { rule: 'different' },
];

interface Values {
  current: string;
  next: string;
  confirm: string;
}

export function PasswordPage() {
  useLanguage();
  const auth = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const next = Form.useWatch('next', form) ?? '';
  const current = Form.useWatch('current', form) ?? '';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const account = auth.account;
  if (!account) return null;
  const broken = new Set<string>(passwordRulesBroken(next, account.username));
  if (next && next === current) broken.add('different');

  const onFinish = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await post('/api/v1/auth/password', { current: values.current, next: values.next });
      await auth.refresh();
      void message.success(t('password.changed'));
      void navigate('/', { replace: true });
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.code === 'bad_credentials'
          ? t('password.wrong_current')
          : failure instanceof ApiError && failure.code === 'weak_password'
            ? t('password.weak')
            : errorInWords(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageFrame title={t('password.title')}>
      {account.mustChangePassword ? (
        <Alert
          type="warning"
          showIcon
          title={t('password.forced')}
          style={{ marginBottom: 16, maxWidth: 960 }}
          role="status"
        />
      ) : null}
      {/* A form of three fields reads best narrow, whatever the screen. */}
      <Card style={{ maxWidth: 960 }}>
        <Row gutter={48}>
          <Col xs={24} md={12}>
            {error ? <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} /> : null}
            <Form<Values> form={form} layout="vertical" requiredMark={false} onFinish={(v) => void onFinish(v)}>
              {/* For the browser's password manager: whose password this is. */}
              <input type="text" name="username" autoComplete="username" value={account.username} readOnly hidden />
              <Form.Item
                name="current"
                label={t('password.current')}
                rules={[{ required: true, message: t('password.required.current') }]}
              >
                <Input.Password autoComplete="current-password" autoFocus />
              </Form.Item>
              <Form.Item
                name="next"
                label={t('password.next')}
                rules={[
                  {
                    validator: async (_rule, value: string | undefined) => {
                      const v = value ?? '';
                      const problems = passwordRulesBroken(v, account.username);
                      if (problems.length > 0 || v === form.getFieldValue('current'))
                        throw new Error(t('password.weak'));
                    },
                  },
                ]}
              >
                <Input.Password autoComplete="new-password" maxLength={PASSWORD_MAX_LENGTH} />
              </Form.Item>
              <Form.Item
                name="confirm"
                label={t('password.confirm')}
                dependencies={['next']}
                rules={[
                  {
                    validator: async (_rule, value: string | undefined) => {
                      if ((value ?? '') !== form.getFieldValue('next')) throw new Error(t('password.mismatch'));
                    },
                  },
                ]}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('password.submit')}
              </Button>
            </Form>
          </Col>
          <Col xs={24} md={12}>
            <Typography.Title level={5}>{t('password.policy')}</Typography.Title>
            <ul className="console-password-rules" aria-live="polite" data-testid="password-rules">
              {RULES.map(({ rule, n }) => {
                const ok = next.length > 0 && !broken.has(rule);
                return (
                  <li key={rule} data-rule={rule} data-met={ok}>
                    {ok ? (
                      <CheckCircleFilled style={{ color: '#389e0d' }} />
                    ) : (
                      <CloseCircleOutlined style={{ color: next ? '#cf1322' : '#8c8c8c' }} />
                    )}
                    <span style={{ marginLeft: 8 }}>{t(`password.rule.${rule}`, { n: n ?? 0 })}</span>
                  </li>
                );
              })}
            </ul>
          </Col>
        </Row>
      </Card>
    </PageFrame>
  );
}
