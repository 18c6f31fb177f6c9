/**
 * A staff member's PIN in the console: typed twice, masked, never shown (not even to the one who types it) and
 * never kept by the page; the centre keeps only its hash. The reset is PATCH /api/v1/admin/staff/:key {pin},
 * audited as a change with `pinSet: true` and no PIN. Runs in the browser.
 */
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { StaffCreate } from '../../../shared/central-api.js';
import { patch } from '../../api.js';
import { t } from '../../i18n.js';
import { adminErrorInWords, zodRule } from './form-rules.js';

/** The two PIN inputs of a form (fields `pin` and `pinAgain`). */
export function PinFields() {
  return (
    <>
      <Form.Item
        name="pin"
        label={t('config.staff.pin')}
        rules={[zodRule(StaffCreate.shape.pin)]}
        extra={t('config.staff.pin.help')}
        required
      >
        <Input.Password visibilityToggle={false} inputMode="numeric" autoComplete="new-password" maxLength={8} />
      </Form.Item>
      <Form.Item
        name="pinAgain"
        label={t('config.staff.pinAgain')}
        dependencies={['pin']}
        required
        rules={[
          ({ getFieldValue }) => ({
            validator: async (_rule, value: unknown) => {
              if (value !== getFieldValue('pin')) throw new Error(t('config.staff.pinMismatch'));
            },
          }),
        ]}
      >
        <Input.Password visibilityToggle={false} inputMode="numeric" autoComplete="new-password" maxLength={8} />
      </Form.Item>
    </>
  );
}

export function PinResetButton({ staffNo, name }: { staffNo: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ pin: string; pinAgain: string }>();
  const { message } = App.useApp();
  const reset = useMutation({
    mutationFn: (pin: string) => patch(`/api/v1/admin/staff/${encodeURIComponent(staffNo)}`, { pin }),
    onSuccess: () => {
      message.success(t('config.staff.pinReset.done', { name }));
      setOpen(false);
    },
  });
  return (
    <>
      <Button
        type="link"
        size="small"
        onClick={() => {
          reset.reset();
          setOpen(true);
        }}
      >
        {t('config.staff.pinReset')}
      </Button>
      <Modal
        open={open}
        title={t('config.staff.pinReset.title', { name, staffNo })}
        okText={t('config.staff.pinReset.ok')}
        cancelText={t('confirm.cancel')}
        confirmLoading={reset.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        afterClose={() => form.resetFields()}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('config.staff.pinReset.text')}</Typography.Paragraph>
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => reset.mutate(v.pin)}>
          <PinFields />
        </Form>
        {reset.error ? <Alert type="error" showIcon title={adminErrorInWords(reset.error)} /> : null}
      </Modal>
    </>
  );
}
