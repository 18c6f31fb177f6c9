/**
 * The centre's accounts: list, create (a role, and departments for a handler), change role and departments, reset
 * the password, disable. A one-time password is shown once, to be changed at the first login. A change of role or
 * departments, a reset and a disabling end the account's sessions, and each is confirmed first. Runs in the browser.
 */
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { ROLES, type Role } from '../../../shared/abilities.js';
import { AccountCreate, type Account } from '../../../shared/accounts-api.js';
import { get, patch, post } from '../../api.js';
import { useAuth } from '../../auth.js';
import { useConfirmDestructive } from '../../components/confirm.js';
import { QueryState } from '../../components/page-frame.js';
import { t } from '../../i18n.js';
import { useCatalog } from '../config/catalog-tab.js';
import { adminErrorInWords, beijingTime, zodRule } from '../config/form-rules.js';
import { OneTimeSecret, type Secret } from './one-time-secret.js';

const ACCOUNTS = ['accounts'] as const;

interface AccountForm {
  username?: string;
  displayName: string;
  role: Role;
  departments?: string[];
}

function StatusTag({ account }: { account: Account }) {
  if (account.disabled) return <Tag>{t('accounts.status.disabled')}</Tag>;
  if (account.lockedUntil)
    return <Tag color="orange">{t('accounts.status.locked', { until: beijingTime(account.lockedUntil) })}</Tag>;
  if (account.mustChangePassword) return <Tag color="gold">{t('accounts.status.mustChange')}</Tag>;
  return <Tag color="green">{t('accounts.status.active')}</Tag>;
}

export function AccountsTab() {
  const { account: me } = useAuth();
  const query = useQuery({ queryKey: ACCOUNTS, queryFn: () => get<Account[]>('/api/v1/admin/accounts') });
  const departments = useCatalog('departments');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const confirm = useConfirmDestructive();
  const [editing, setEditing] = useState<Account | 'new' | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [form] = Form.useForm<AccountForm>();
  const role = Form.useWatch('role', form);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ACCOUNTS });
  const departmentName = (code: string): string => String(departments.data?.find((d) => d.code === code)?.name ?? code);

  const save = useMutation({
    mutationFn: async (values: AccountForm) => {
      const departmentsOf = values.role === 'handler' ? (values.departments ?? []) : [];
      if (editing === 'new') {
        const created = await post<{ account: Account; oneTimePassword: string }>('/api/v1/admin/accounts', {
          username: values.username,
          displayName: values.displayName,
          role: values.role,
          departments: departmentsOf,
        });
        setSecret({
          title: t('accounts.created.title', { username: created.account.username }),
          note: t('accounts.created.note'),
          value: created.oneTimePassword,
        });
        return;
      }
      const account = editing!;
      const change: Record<string, unknown> = {};
      if (values.displayName !== account.displayName) change.displayName = values.displayName;
      if (values.role !== account.role) change.role = values.role;
      if (JSON.stringify([...departmentsOf].sort()) !== JSON.stringify(account.departments))
        change.departments = departmentsOf;
      if (Object.keys(change).length === 0) return;
      if (change.role !== undefined || change.departments !== undefined) {
        const ok = await confirm({
          title: t('accounts.change.title', { username: account.username }),
          content: t('accounts.change.text'),
          okText: t('accounts.change.ok'),
        });
        if (!ok) throw new Error('cancelled');
      }
      await patch(`/api/v1/admin/accounts/${account.id}`, change);
      message.success(t('accounts.saved'));
    },
    onSuccess: async () => {
      await refresh();
      setEditing(null);
    },
  });

  const act = useMutation({
    mutationFn: async ({ account, what }: { account: Account; what: 'reset' | 'disable' | 'enable' }) => {
      if (what !== 'enable') {
        const ok = await confirm({
          title: t(`accounts.${what}.title`, { username: account.username }),
          content: t(`accounts.${what}.text`),
          okText: t(`accounts.${what}.ok`),
        });
        if (!ok) return;
      }
      if (what === 'reset') {
        const { oneTimePassword } = await post<{ oneTimePassword: string }>(
          `/api/v1/admin/accounts/${account.id}/reset-password`,
        );
        setSecret({
          title: t('accounts.reset.done', { username: account.username }),
          note: t('accounts.created.note'),
          value: oneTimePassword,
        });
      } else {
        await patch(`/api/v1/admin/accounts/${account.id}`, { disabled: what === 'disable' });
        message.success(t('accounts.saved'));
      }
    },
    onSettled: () => refresh(),
    onError: (error) => message.error(adminErrorInWords(error)),
  });

  const openForm = (target: Account | 'new') => {
    save.reset();
    form.resetFields();
    if (target !== 'new') form.setFieldsValue(target);
    setEditing(target);
  };
  const creating = editing === 'new';
  const cancelled = save.error instanceof Error && save.error.message === 'cancelled';

  return (
    <>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => openForm('new')}>
          {t('accounts.create')}
        </Button>
      </Flex>
      <QueryState query={query} isEmpty={(rows) => rows.length === 0}>
        {(rows) => (
          <Table<Account>
            rowKey="id"
            size="middle"
            dataSource={rows}
            pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            columns={[
              { title: t('accounts.username'), dataIndex: 'username' },
              { title: t('accounts.displayName'), dataIndex: 'displayName' },
              {
                title: t('accounts.role'),
                dataIndex: 'role',
                render: (r: Role) => <Tag color="blue">{t(`role.${r}`)}</Tag>,
              },
              {
                title: t('accounts.departments'),
                dataIndex: 'departments',
                render: (codes: string[], a) =>
                  a.role === 'handler'
                    ? codes.map((c) => <Tag key={c}>{departmentName(c)}</Tag>)
                    : t('accounts.allDepartments'),
              },
              { title: t('accounts.status'), key: 'status', render: (_, a) => <StatusTag account={a} /> },
              { title: t('accounts.createdAt'), dataIndex: 'createdAt', render: (v: string) => beijingTime(v) },
              {
                title: t('accounts.lastLogin'),
                dataIndex: 'lastLoginAt',
                render: (v: string | null) => (v ? beijingTime(v) : t('accounts.neverLoggedIn')),
              },
              {
                title: t('config.actions'),
                key: 'actions',
                render: (_, a) => (
                  <Space size={4}>
                    <Button type="link" size="small" onClick={() => openForm(a)}>
                      {t('config.edit')}
                    </Button>
                    <Button type="link" size="small" onClick={() => act.mutate({ account: a, what: 'reset' })}>
                      {t('accounts.reset')}
                    </Button>
                    {a.disabled ? (
                      <Button type="link" size="small" onClick={() => act.mutate({ account: a, what: 'enable' })}>
                        {t('accounts.enable')}
                      </Button>
                    ) : (
                      <Button
                        type="link"
                        size="small"
                        danger
                        disabled={a.id === me?.id}
                        onClick={() => act.mutate({ account: a, what: 'disable' })}
                      >
                        {t('accounts.disable')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryState>
      <Modal
        open={editing !== null}
        title={creating ? t('accounts.create') : t('accounts.editTitle', { username: editing?.username ?? '' })}
        okText={t('config.save')}
        cancelText={t('confirm.cancel')}
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        destroyOnHidden
        forceRender
      >
        <Form<AccountForm> form={form} layout="vertical" preserve={false} onFinish={(v) => save.mutate(v)}>
          {creating ? (
            <Form.Item
              name="username"
              label={t('accounts.username')}
              extra={t('accounts.username.help')}
              rules={[{ required: true, message: t('accounts.required') }, zodRule(AccountCreate.shape.username)]}
            >
              <Input autoComplete="off" />
            </Form.Item>
          ) : null}
          <Form.Item
            name="displayName"
            label={t('accounts.displayName')}
            rules={[{ required: true, max: 100, message: t('accounts.required') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="role"
            label={t('accounts.role')}
            rules={[{ required: true, message: t('accounts.required') }]}
          >
            <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          {role === 'handler' ? (
            <Form.Item
              name="departments"
              label={t('accounts.departments')}
              extra={t('accounts.departments.help')}
              rules={[{ required: true, type: 'array', min: 1, message: t('accounts.departments.needed') }]}
            >
              <Select
                mode="multiple"
                optionFilterProp="label"
                options={(departments.data ?? []).map((d) => ({ value: String(d.code), label: String(d.name) }))}
              />
            </Form.Item>
          ) : null}
        </Form>
        {save.error && !cancelled ? <Alert type="error" showIcon title={adminErrorInWords(save.error)} /> : null}
      </Modal>
      <OneTimeSecret secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}
