/**
 * API keys, for the hall's other systems and scripts: create with a name and a scope (a role other than handler,
 * which needs departments), the key shown once with a copy button, the list with each key's last use, revoke
 * (confirmed: a program using it stops working at once). Runs in the browser.
 */
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import type { Role } from '../../../shared/abilities.js';
import { get, post } from '../../api.js';
import { useConfirmDestructive } from '../../components/confirm.js';
import { QueryState } from '../../components/page-frame.js';
import { t } from '../../i18n.js';
import { adminErrorInWords, beijingTime, zodRule } from '../config/form-rules.js';
import { API_KEY_SCOPES, ApiKeyCreate } from '../../../shared/accounts-api.js';
import { OneTimeSecret, type Secret } from './one-time-secret.js';

/** One key of GET /api/v1/admin/api-keys (src/central/accounts/api-keys.ts `ApiKey`). */
interface ApiKey {
  id: string;
  name: string;
  scope: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key acts as a role with the whole hall in view: never a handler, whose view is some departments. */
const KEYS = ['api-keys'] as const;

export function ApiKeysTab() {
  const query = useQuery({ queryKey: KEYS, queryFn: () => get<ApiKey[]>('/api/v1/admin/api-keys') });
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const confirm = useConfirmDestructive();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [form] = Form.useForm<{ name: string; scope: Role }>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEYS });

  const create = useMutation({
    mutationFn: (values: { name: string; scope: Role }) =>
      post<{ apiKey: ApiKey; key: string }>('/api/v1/admin/api-keys', values),
    onSuccess: async ({ apiKey, key }) => {
      setCreating(false);
      setSecret({ title: t('keys.created.title', { name: apiKey.name }), note: t('keys.created.note'), value: key });
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: async (key: ApiKey) => {
      const ok = await confirm({
        title: t('keys.revoke.title', { name: key.name }),
        content: t('keys.revoke.text'),
        okText: t('keys.revoke.ok'),
      });
      if (!ok) return;
      await post(`/api/v1/admin/api-keys/${key.id}/revoke`);
      message.success(t('keys.revoked'));
    },
    onSettled: () => refresh(),
    onError: (error) => message.error(adminErrorInWords(error)),
  });

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            create.reset();
            form.resetFields();
            setCreating(true);
          }}
        >
          {t('keys.create')}
        </Button>
      </Flex>
      <QueryState query={query} isEmpty={(rows) => rows.length === 0} empty={t('keys.empty')}>
        {(rows) => (
          <Table<ApiKey>
            rowKey="id"
            size="middle"
            dataSource={rows}
            pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            columns={[
              { title: t('keys.name'), dataIndex: 'name' },
              {
                title: t('keys.scope'),
                dataIndex: 'scope',
                render: (s: Role) => <Tag color="blue">{t(`role.${s}`)}</Tag>,
              },
              { title: t('keys.createdBy'), dataIndex: 'createdBy' },
              { title: t('accounts.createdAt'), dataIndex: 'createdAt', render: (v: string) => beijingTime(v) },
              {
                title: t('keys.lastUsed'),
                dataIndex: 'lastUsedAt',
                render: (v: string | null) => (v ? beijingTime(v) : t('keys.neverUsed')),
              },
              {
                title: t('accounts.status'),
                dataIndex: 'revokedAt',
                render: (v: string | null) =>
                  v ? (
                    <Tag>{t('keys.revokedAt', { at: beijingTime(v) })}</Tag>
                  ) : (
                    <Tag color="green">{t('keys.live')}</Tag>
                  ),
              },
              {
                title: t('config.actions'),
                key: 'actions',
                render: (_, key) =>
                  key.revokedAt ? null : (
                    <Button type="link" size="small" danger onClick={() => revoke.mutate(key)}>
                      {t('keys.revoke')}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      <Modal
        open={creating}
        title={t('keys.create')}
        okText={t('keys.create.ok')}
        cancelText={t('confirm.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="name"
            label={t('keys.name')}
            extra={t('keys.name.help')}
            rules={[{ required: true, message: t('accounts.required') }, zodRule(ApiKeyCreate.shape.name)]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="scope"
            label={t('keys.scope')}
            extra={t('keys.scope.help')}
            rules={[{ required: true, message: t('accounts.required') }]}
          >
            <Select options={API_KEY_SCOPES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
        </Form>
        {create.error ? <Alert type="error" showIcon title={adminErrorInWords(create.error)} /> : null}
      </Modal>
      <OneTimeSecret secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}
