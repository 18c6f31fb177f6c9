/**
 * The hall's settings (SettingsPatch in src/shared/central-api.ts): the rating window, the evaluator's key map,
 * the kiosks' update feed, the address of the QR rating page, the citizen screen's speech and larger text, how the 7-day default counts its days, and how long a kiosk keeps delivered records. Only what changed is sent; the kiosks get
 * it at their next heartbeat. Read by supervisors, changed by admins. Runs in the browser.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Select, Slider, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { DEFAULT_DAYS_KINDS, SettingsPatch, type DefaultDaysKind } from '../../../shared/central-api.js';
import {
  CITIZEN_SCREEN_DEFAULTS,
  RATING_WINDOW_SECONDS,
  RETENTION_DAYS,
  type CitizenScreenSettings,
} from '../../../shared/device-config.js';
import { DEFAULT_KEY_MAP, KeyMapSchema } from '../../../shared/key-map.js';
import { get, patch } from '../../api.js';
import { useAuth } from '../../auth.js';
import { QueryState } from '../../components/page-frame.js';
import { t } from '../../i18n.js';
import { adminErrorInWords, zodRule } from './form-rules.js';

interface Settings {
  ratingWindowSeconds?: number;
  keyMap?: number[];
  updateFeedUrl?: string;
  ratingPageUrl?: string;
  defaultDays?: DefaultDaysKind;
  retentionDays?: number;
  citizenScreen?: CitizenScreenSettings;
}

const LEVELS = [5, 4, 3, 2, 1] as const;

export function SettingsTab() {
  const { can } = useAuth();
  const writable = can('settings.write');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const query = useQuery({ queryKey: ['settings'], queryFn: () => get<Settings>('/api/v1/admin/settings') });
  const [form] = Form.useForm<Settings>();
  const current: Settings = {
    ratingWindowSeconds: RATING_WINDOW_SECONDS.default,
    keyMap: [...DEFAULT_KEY_MAP],
    retentionDays: RETENTION_DAYS.default,
    defaultDays: 'calendar',
    citizenScreen: { ...CITIZEN_SCREEN_DEFAULTS },
    ...query.data,
  };
  useEffect(() => {
    if (query.data) form.setFieldsValue(current);
  }, [query.data]);

  const save = useMutation({
    mutationFn: (values: Settings) => {
      const changed = Object.fromEntries(
        Object.entries(values).filter(
          ([k, v]) => v !== undefined && v !== '' && JSON.stringify(v) !== JSON.stringify(current[k as keyof Settings]),
        ),
      );
      if (Object.keys(changed).length === 0) return Promise.resolve(null);
      return patch('/api/v1/admin/settings', changed);
    },
    onSuccess: async (answer) => {
      await queryClient.invalidateQueries({ queryKey: ['settings'] });
      message.success(answer === null ? t('config.settings.nothing') : t('config.settings.saved'));
    },
  });

  return (
    <QueryState query={query}>
      {() => (
        <Card style={{ maxWidth: 720 }}>
          <Form<Settings> form={form} layout="vertical" disabled={!writable} onFinish={(v) => save.mutate(v)}>
            <Form.Item
              name="ratingWindowSeconds"
              label={t('config.settings.ratingWindow')}
              extra={t('config.settings.ratingWindow.help', RATING_WINDOW_SECONDS)}
              rules={[zodRule(SettingsPatch.shape.ratingWindowSeconds.unwrap())]}
            >
              <InputNumber addonAfter={t('config.settings.seconds')} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="keyMap"
              label={t('config.settings.keyMap')}
              extra={t('config.settings.keyMap.help')}
              rules={[zodRule(KeyMapSchema)]}
            >
              <KeyMapInput />
            </Form.Item>
            <Form.Item label={t('config.settings.citizenScreen')} extra={t('config.settings.citizenScreen.help')}>
              <Flex gap={24} wrap align="center">
                <Form.Item name={['citizenScreen', 'speech']} valuePropName="checked" noStyle>
                  <Switch aria-label={t('config.settings.speech')} />
                </Form.Item>
                <span>{t('config.settings.speech')}</span>
                <span>{t('config.settings.volume')}</span>
                <Form.Item name={['citizenScreen', 'volume']} noStyle>
                  <Slider min={0} max={100} step={5} style={{ width: 160 }} aria-label={t('config.settings.volume')} />
                </Form.Item>
                <Form.Item name={['citizenScreen', 'largeText']} valuePropName="checked" noStyle>
                  <Switch aria-label={t('config.settings.largeText')} />
                </Form.Item>
                <span>{t('config.settings.largeText')}</span>
              </Flex>
            </Form.Item>
            <Form.Item
              name="retentionDays"
              label={t('config.settings.retention')}
              extra={t('config.settings.retention.help', RETENTION_DAYS)}
              rules={[zodRule(SettingsPatch.shape.retentionDays.unwrap())]}
            >
              <InputNumber addonAfter={t('config.settings.days')} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="defaultDays"
              label={t('config.settings.defaultDays')}
              extra={t('config.settings.defaultDays.help')}
            >
              <Select
                style={{ width: 200 }}
                options={DEFAULT_DAYS_KINDS.map((k) => ({ value: k, label: t(`config.settings.defaultDays.${k}`) }))}
              />
            </Form.Item>
            <Form.Item
              name="ratingPageUrl"
              label={t('config.settings.ratingPage')}
              extra={t('config.settings.ratingPage.help')}
              rules={[zodRule(SettingsPatch.shape.ratingPageUrl)]}
            >
              <Input placeholder="https://" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="updateFeedUrl"
              label={t('config.settings.feed')}
              extra={t('config.settings.feed.help')}
              rules={[zodRule(SettingsPatch.shape.updateFeedUrl)]}
            >
              <Input placeholder="https://" autoComplete="off" />
            </Form.Item>
            {writable ? (
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('config.save')}
              </Button>
            ) : (
              <Typography.Text type="secondary">{t('config.settings.readOnly')}</Typography.Text>
            )}
          </Form>
          {save.error ? (
            <Alert style={{ marginTop: 12 }} type="error" showIcon title={adminErrorInWords(save.error)} />
          ) : null}
        </Card>
      )}
    </QueryState>
  );
}

/** Five selects, one per physical key from the left: the level each key gives. */
function KeyMapInput({ value, onChange }: { value?: number[]; onChange?: (next: number[]) => void }) {
  const map = value ?? [...DEFAULT_KEY_MAP];
  return (
    <Flex gap={8} wrap>
      {map.map((level, i) => (
        <Flex key={i} vertical gap={4} style={{ width: 120 }}>
          <Typography.Text type="secondary">{t('config.settings.key', { n: i + 1 })}</Typography.Text>
          <Select
            aria-label={t('config.settings.key', { n: i + 1 })}
            value={level}
            options={LEVELS.map((l) => ({ value: l, label: t(`config.level.${l}`) }))}
            onChange={(next: number) => onChange?.(map.map((old, j) => (j === i ? next : old)))}
          />
        </Flex>
      ))}
    </Flex>
  );
}
