/**
 * 新建登记码: for a window's evaluator (naming its window) or a self-service terminal, then the code shown large,
 * in a monospaced face a technician can read from across a counter and type on the kiosk, with its expiry. The code
 * is shown once (the centre keeps only its hash and never logs it). Runs in the browser.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import { useState } from 'react';
import { post } from '../../api.js';
import type { CatalogueEntry } from '../../catalogue.js';
import { errorInWords } from '../../components/error-words.js';
import { dateTime } from '../../components/format.js';
import { t } from '../../i18n.js';

interface EnrolmentForm {
  mode: 'window' | 'terminal';
  windowCode?: string;
  name: string;
}

export function EnrolmentDialog({ windows, onClose }: { windows: CatalogueEntry[]; onClose: () => void }) {
  const [form] = Form.useForm<EnrolmentForm>();
  const mode = Form.useWatch('mode', form) ?? 'window';
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ code: string; expiresAt: string; for: string } | null>(null);
  const create = useMutation({
    mutationFn: (values: EnrolmentForm) =>
      post<{ code: string; expiresAt: string }>('/api/v1/admin/enrollments', {
        mode: values.mode,
        name: values.name.trim(),
        ...(values.mode === 'window' ? { windowCode: values.windowCode } : {}),
      }),
    onSuccess: (answer, values) => {
      const window = windows.find((w) => w.code === values.windowCode);
      const where = values.mode === 'window' && window ? `${window.name}（${window.code}）` : t('devices.terminal');
      setCreated({ ...answer, for: `${where} · ${values.name.trim()}` });
      void queryClient.invalidateQueries({ queryKey: ['devices'] });
    },
  });

  return (
    <Modal
      open
      title={t('devices.enrol.title')}
      onCancel={onClose}
      width={created ? 640 : 520}
      maskClosable={false}
      footer={
        created ? (
          <Button type="primary" onClick={onClose}>
            {t('devices.enrol.done')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t('confirm.cancel')}</Button>
            <Button type="primary" loading={create.isPending} onClick={() => form.submit()}>
              {t('devices.enrol.create')}
            </Button>
          </>
        )
      }
    >
      {created ? (
        <div data-testid="enrolment-code">
          <Typography.Paragraph>{t('devices.enrol.code')}</Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginBottom: 0 }}>
            {created.for}
          </Typography.Paragraph>
          <div className="console-enrolment-code" aria-live="polite">
            {created.code}
          </div>
          <Alert type="info" showIcon title={t('devices.enrol.expires', { time: dateTime(created.expiresAt) })} />
        </div>
      ) : (
        <Form<EnrolmentForm>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ mode: 'window' }}
          onFinish={(values) => create.mutate(values)}
        >
          {create.error ? (
            <Alert type="error" showIcon role="alert" title={errorInWords(create.error)} style={{ marginBottom: 16 }} />
          ) : null}
          <Form.Item name="mode" label={t('devices.enrol.mode')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'window', label: t('devices.enrol.mode.window') },
                { value: 'terminal', label: t('devices.enrol.mode.terminal') },
              ]}
            />
          </Form.Item>
          {mode === 'window' ? (
            <Form.Item
              name="windowCode"
              label={t('devices.enrol.window')}
              rules={[{ required: true, message: t('devices.enrol.window.required') }]}
            >
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={windows.map((w) => ({ value: w.code, label: `${w.name}（${w.code}）` }))}
                onChange={(code: string) => {
                  // The window's name is the usual name of its evaluator.
                  if (!form.getFieldValue('name')) {
                    const window = windows.find((w) => w.code === code);
                    if (window) form.setFieldsValue({ name: `${window.name}评价器` });
                  }
                }}
              />
            </Form.Item>
          ) : null}
          <Form.Item
            name="name"
            label={t('devices.enrol.name')}
            rules={[{ required: true, whitespace: true, message: t('devices.enrol.name.required') }]}
          >
            <Input maxLength={64} placeholder={t('devices.enrol.name.placeholder')} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
