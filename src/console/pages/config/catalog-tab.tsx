/**
 * One part of the hall's catalogue (departments, windows, service items, reason tags, staff) as a table with its
 * create and edit forms, declared by an EntitySpec: the fields, their labels and the API's own zod schemas, which
 * validate each field as it is typed. A change that moves a window to another department, and a staff member's
 * deactivation, are confirmed first. Staff also have the PIN reset (a new PIN typed twice, never shown). Runs in
 * the browser.
 */
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, InputNumber, Modal, Select, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import type { z } from 'zod';
import { get, patch, post } from '../../api.js';
import { useAuth } from '../../auth.js';
import { useConfirmDestructive } from '../../components/confirm.js';
import { QueryState } from '../../components/page-frame.js';
import { language, t } from '../../i18n.js';
import { SATISFACTION_LABELS, SATISFACTION_LEVELS, type Satisfaction } from '../../../shared/satisfaction.js';
import { adminErrorInWords, beijingTime, zodRule } from './form-rules.js';
import { PinResetButton, PinFields } from './staff-pin.js';

type Cell = string | number | boolean | number[] | null | undefined;
type Row = Record<string, Cell>;

export interface FieldSpec {
  /** The API's field. */
  name: string;
  labelKey: string;
  kind: 'text' | 'department' | 'number' | 'levels';
  /** The create schema's field; the patch schema's when the field can be changed after. */
  create: z.ZodType;
  patch?: z.ZodType;
}

export interface EntitySpec {
  /** Its path under /api/v1/admin/. */
  path: string;
  keyField: string;
  /** The words of one entry (部门, 窗口, …). */
  nounKey: string;
  fields: FieldSpec[];
  staff?: boolean;
}

const levelName = (level: Satisfaction) => SATISFACTION_LABELS[level][language() === 'en' ? 'en' : 'zh'];

export const catalogKey = (path: string) => ['catalog', path] as const;

export function useCatalog(path: string) {
  return useQuery({ queryKey: catalogKey(path), queryFn: () => get<Row[]>(`/api/v1/admin/${path}`) });
}

/** The input of one field; Form.Item gives it `id`, `value` and `onChange`, passed on to the antd input. */
function FieldInput({
  field,
  departments,
  ...control
}: {
  field: FieldSpec;
  departments: Row[];
  id?: string;
  value?: never;
  onChange?: never;
}) {
  if (field.kind === 'department') {
    return (
      <Select
        {...control}
        showSearch
        optionFilterProp="label"
        placeholder={t('config.pickDepartment')}
        options={departments.map((d) => ({ value: String(d.code), label: `${String(d.name)}（${String(d.code)}）` }))}
      />
    );
  }
  if (field.kind === 'number') return <InputNumber {...control} min={0} max={1000} style={{ width: '100%' }} />;
  if (field.kind === 'levels') {
    return (
      <Select
        {...control}
        mode="multiple"
        placeholder={t('config.pickLevels')}
        options={SATISFACTION_LEVELS.map((level) => ({ value: level, label: levelName(level) }))}
      />
    );
  }
  return <Input {...control} autoComplete="off" />;
}

export function CatalogTab({ spec }: { spec: EntitySpec }) {
  const { can } = useAuth();
  const writable = can('catalogue.write');
  const query = useCatalog(spec.path);
  const departments = useCatalog('departments');
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const confirm = useConfirmDestructive();
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [form] = Form.useForm<Record<string, unknown>>();
  const departmentName = (code: Cell): string =>
    String(departments.data?.find((d) => d.code === code)?.name ?? code ?? '');

  const save = useMutation({
    mutationFn: async (values: Record<string, unknown>) => {
      if (editing === 'new') {
        const { pinAgain: _again, ...body } = values;
        return post<Row>(`/api/v1/admin/${spec.path}`, body);
      }
      const row = editing!;
      const changed = Object.fromEntries(
        spec.fields
          .filter(
            (f) =>
              f.patch && values[f.name] !== undefined && JSON.stringify(values[f.name]) !== JSON.stringify(row[f.name]),
          )
          .map((f) => [f.name, values[f.name]]),
      );
      if (Object.keys(changed).length === 0) return row;
      if (spec.path === 'windows' && changed.departmentCode !== undefined) {
        const ok = await confirm({
          title: t('config.window.move.title', { code: String(row.code) }),
          content: t('config.window.move.text', { department: departmentName(changed.departmentCode as Cell) }),
          okText: t('config.window.move.ok'),
        });
        if (!ok) throw new Error('cancelled');
      }
      return patch<Row>(`/api/v1/admin/${spec.path}/${encodeURIComponent(String(row[spec.keyField]))}`, changed);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: catalogKey(spec.path) });
      message.success(t('config.saved'));
      setEditing(null);
    },
  });

  const toggleActive = useMutation({
    mutationFn: async (row: Row) => {
      const deactivating = row.active === true;
      if (deactivating) {
        const ok = await confirm({
          title: t('config.staff.deactivate.title', { name: String(row.name) }),
          content: t('config.staff.deactivate.text'),
          okText: t('config.staff.deactivate.ok'),
        });
        if (!ok) return null;
      }
      return patch<Row>(`/api/v1/admin/staff/${encodeURIComponent(String(row.staffNo))}`, { active: !deactivating });
    },
    onSuccess: async (row) => {
      if (!row) return;
      await queryClient.invalidateQueries({ queryKey: catalogKey('staff') });
      message.success(t('config.saved'));
    },
    onError: (error) => message.error(adminErrorInWords(error)),
  });

  const columns: ColumnsType<Row> = [
    ...spec.fields.map((f) => ({
      title: t(f.labelKey),
      dataIndex: f.name,
      key: f.name,
      render: (value: Cell) =>
        f.kind === 'department'
          ? departmentName(value)
          : Array.isArray(value)
            ? value.map((level) => <Tag key={level}>{levelName(level as Satisfaction)}</Tag>)
            : String(value ?? ''),
    })),
    ...(spec.staff
      ? [
          {
            title: t('config.staff.active'),
            dataIndex: 'active',
            key: 'active',
            render: (active: unknown) =>
              active ? <Tag color="green">{t('config.staff.on')}</Tag> : <Tag>{t('config.staff.off')}</Tag>,
          },
        ]
      : []),
    { title: t('config.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', render: (v: string) => beijingTime(v) },
    ...(writable
      ? [
          {
            title: t('config.actions'),
            key: 'actions',
            render: (_: unknown, row: Row) => (
              <Space size={4}>
                <Button
                  type="link"
                  size="small"
                  onClick={() => {
                    save.reset();
                    form.resetFields();
                    form.setFieldsValue(row);
                    setEditing(row);
                  }}
                >
                  {t('config.edit')}
                </Button>
                {spec.staff ? <PinResetButton staffNo={String(row.staffNo)} name={String(row.name)} /> : null}
                {spec.staff ? (
                  <Button
                    type="link"
                    size="small"
                    danger={row.active === true}
                    onClick={() => toggleActive.mutate(row)}
                  >
                    {row.active ? t('config.staff.deactivate') : t('config.staff.activate')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const creating = editing === 'new';
  const cancelled = save.error instanceof Error && save.error.message === 'cancelled';
  return (
    <>
      {writable ? (
        <Flex justify="flex-end" style={{ marginBottom: 12 }}>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              save.reset();
              form.resetFields();
              setEditing('new');
            }}
          >
            {t('config.create', { noun: t(spec.nounKey) })}
          </Button>
        </Flex>
      ) : null}
      <QueryState
        query={query}
        isEmpty={(rows) => rows.length === 0}
        empty={t('config.empty', { noun: t(spec.nounKey) })}
      >
        {(rows) => (
          <Table<Row>
            rowKey={(r) => String(r[spec.keyField])}
            columns={columns}
            dataSource={rows}
            size="middle"
            pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          />
        )}
      </QueryState>
      <Modal
        open={editing !== null}
        title={
          creating
            ? t('config.create', { noun: t(spec.nounKey) })
            : t('config.editTitle', {
                noun: t(spec.nounKey),
                key: String(editing?.[spec.keyField] ?? ''),
              })
        }
        okText={t('config.save')}
        cancelText={t('confirm.cancel')}
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        // A PIN typed into the form must not stay in the page once it is closed.
        afterClose={() => form.resetFields()}
        destroyOnHidden
        forceRender
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(values) => save.mutate(values)}
          requiredMark={creating}
          preserve={false}
        >
          {spec.fields.map((f) => {
            const schema = creating ? f.create : f.patch;
            const isKey = f.name === spec.keyField;
            return (
              <Form.Item
                key={f.name}
                name={f.name}
                label={t(f.labelKey)}
                rules={schema ? [zodRule(schema)] : []}
                required={creating}
                hidden={!creating && !f.patch && !isKey}
              >
                {!creating && !f.patch ? (
                  <Input disabled />
                ) : (
                  <FieldInput field={f} departments={departments.data ?? []} />
                )}
              </Form.Item>
            );
          })}
          {spec.staff && creating ? <PinFields /> : null}
        </Form>
        {save.error && !cancelled ? <Alert type="error" showIcon title={adminErrorInWords(save.error)} /> : null}
      </Modal>
    </>
  );
}
