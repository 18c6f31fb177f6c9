/**
 * One action on a case, as a form: its fields are the keys of the action's input schema (CASE_ACTION_INPUTS in
 * src/shared/cases.ts), each validated inline with that very schema's field, and the whole input parsed by the
 * schema again before it is sent, so that the console asks for exactly what the centre will accept (a note where one
 * is required, evidence for a 无效评价 request, a date for 限期整改…). The centre decides regardless. Runs in the
 * browser.
 */
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Typography, Upload } from 'antd';
import type { FormRule, UploadFile } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import {
  CASE_ACTION_INPUTS,
  CONTACT_METHODS,
  EXPLAIN_BASES,
  REVISIT_RESULTS,
  type CaseAction,
} from '../../../shared/cases.js';
import { ATTACHMENT_MAX_BYTES, type CaseDetail } from '../../../shared/cases-api.js';
import { issueInChinese } from '../../../shared/excel.js';
import { SATISFACTION_LEVELS } from '../../../shared/satisfaction.js';
import { useCatalogue } from '../../catalogue.js';
import { errorInWords } from '../../components/error-words.js';
import { language, t } from '../../i18n.js';
import { actionFields, formValue, inputOf } from './action-fields.js';
import { act, caseHandlers, caseKey, casesKey, uploadAttachment } from './cases-client.js';

type Values = Record<string, unknown>;

/** The schema's own words for what is missing, in Chinese. */
const ZH: Record<string, string> = {
  'a note is required': '请填写说明',
  'evidence is required': '请上传证据材料',
  'an attachment id (SHA-256)': '附件标识不对',
  'a purpose is required': '请说明用途',
};

/** One zod issue for the person at the screen. */
export function issueInWords(issue: z.core.$ZodIssue): string {
  if (language() === 'en') return issue.message;
  return ZH[issue.message] ?? issueInChinese(issue);
}

/**
 * A field's rule: valid when the action's own schema parses it (an empty input counts as absent). An absent
 * required field says what to give (请填写说明, 请上传证据材料), rather than the schema's type words.
 */
function fieldRule(name: string, schema: z.ZodType): FormRule {
  return {
    validator: async (_rule, picked: unknown) => {
      const value = formValue(picked);
      const empty =
        value === undefined || value === '' || value === null || (Array.isArray(value) && value.length === 0);
      const result = schema.safeParse(empty ? undefined : value);
      if (result.success) return;
      if (empty) {
        const key = `case.required.${name}`;
        const words = t(key);
        throw new Error(words === key ? t('case.required', { label: t(`case.field.${name}`) }) : words);
      }
      throw new Error(issueInWords(result.error.issues[0]!));
    },
  };
}

const ACCEPT = '.jpg,.jpeg,.png,.pdf,.mp3,.m4a,.wav';

/** The upload of evidence: each file sent as it is chosen; the field's value is the uploaded files' SHA-256. */
function AttachmentsField({
  caseId,
  value,
  onChange,
  id,
}: {
  caseId: string;
  value?: string[];
  onChange?: (v: string[]) => void;
  id?: string;
}) {
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  return (
    <>
      <Upload
        accept={ACCEPT}
        multiple
        fileList={files}
        onChange={({ fileList }) => setFiles(fileList)}
        onRemove={(file) => {
          const sha = (file.response as { sha256?: string } | undefined)?.sha256;
          if (sha) onChange?.((value ?? []).filter((s) => s !== sha));
          return true;
        }}
        beforeUpload={(file) => {
          if (file.size > ATTACHMENT_MAX_BYTES) {
            void message.error(t('case.upload.tooLarge', { name: file.name }));
            return Upload.LIST_IGNORE;
          }
          return true;
        }}
        customRequest={({ file, onSuccess, onError }) => {
          uploadAttachment(caseId, file as File).then(
            (attachment) => {
              onSuccess?.(attachment);
              onChange?.([...(value ?? []), attachment.sha256]);
              void message.success(t('case.upload.done', { name: attachment.name }));
            },
            (error: unknown) => {
              void message.error(errorInWords(error));
              onError?.(error as Error);
            },
          );
        }}
      >
        <Button icon={<UploadOutlined />} id={id}>
          {t('case.upload')}
        </Button>
      </Upload>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('case.upload.hint')}
      </Typography.Text>
    </>
  );
}

function HandlerSelect({ departmentCode, ...props }: { departmentCode: string | undefined; [prop: string]: unknown }) {
  const handlers = useQuery({
    queryKey: ['case-handlers', departmentCode],
    enabled: Boolean(departmentCode),
    queryFn: () => caseHandlers(departmentCode!),
  });
  return (
    <Select
      {...props}
      allowClear
      loading={handlers.isFetching}
      placeholder={t('case.field.handlerId.any')}
      options={(handlers.data?.items ?? []).map((h) => ({ value: h.id, label: h.displayName }))}
    />
  );
}

/** The control of one field; `control` is what Form.Item gives it (value, onChange, id, aria-*). */
function Field({
  name,
  caseId,
  departmentCode,
  ...control
}: {
  name: string;
  caseId: string;
  departmentCode?: string;
  [prop: string]: unknown;
}) {
  const catalogue = useCatalogue();
  const options = (keys: readonly string[], prefix: string) =>
    keys.map((k) => ({ value: k, label: t(`${prefix}.${k}`) }));
  switch (name) {
    case 'departmentCode':
      return (
        <Select
          {...control}
          showSearch={{ optionFilterProp: 'label' }}
          options={catalogue.departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
        />
      );
    case 'handlerId':
      return <HandlerSelect {...control} departmentCode={departmentCode} />;
    case 'note':
      return <Input.TextArea {...control} rows={3} maxLength={2000} showCount />;
    case 'method':
      return <Select {...control} options={options(CONTACT_METHODS, 'case.method')} />;
    case 'result':
      return <Select {...control} options={options(REVISIT_RESULTS, 'case.result')} />;
    case 'basis':
      return <Select {...control} options={options(EXPLAIN_BASES, 'case.basis')} />;
    case 'promisedBy':
    case 'newDueDay':
      return <Input {...control} type="date" style={{ width: 200 }} />;
    case 'followUpLevel':
      return (
        <Select
          {...control}
          allowClear
          style={{ width: 200 }}
          options={SATISFACTION_LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
        />
      );
    case 'attachments':
      return (
        <AttachmentsField {...(control as { value?: string[]; onChange?: (v: string[]) => void })} caseId={caseId} />
      );
    default:
      return <Input {...control} />;
  }
}

/** The dialog of one action: open while `action` is set. */
export function ActionDialog({
  detail,
  action,
  onClose,
}: {
  detail: CaseDetail;
  action: CaseAction | null;
  onClose: () => void;
}) {
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const departmentCode = Form.useWatch('departmentCode', form) as string | undefined;
  const mutation = useMutation({
    mutationFn: ({ a, input }: { a: CaseAction; input: Values }) => act(detail.id, a, input),
    onSuccess: (next, { a }) => {
      queryClient.setQueryData(caseKey(detail.id), next);
      void queryClient.invalidateQueries({ queryKey: casesKey });
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      void message.success(t('case.done', { action: t(`case.action.${a}`) }));
      onClose();
    },
  });
  if (!action) return null;
  const fields = actionFields(action);

  const submit = (values: Values) => {
    const input = inputOf(values);
    const parsed = CASE_ACTION_INPUTS[action].safeParse(input);
    if (!parsed.success) {
      form.setFields(
        parsed.error.issues.map((issue) => ({
          name: String(issue.path[0] ?? 'note'),
          errors: [issueInWords(issue)],
        })),
      );
      return;
    }
    mutation.mutate({ a: action, input });
  };

  return (
    <Modal
      open
      title={`${t(`case.action.${action}`)} · ${detail.number}`}
      okText={t('case.submit')}
      cancelText={t('case.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={mutation.isPending}
      destroyOnHidden
      width={560}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        aria-label={t(`case.action.${action}`)}
        data-testid={`action-form-${action}`}
        initialValues={
          fields.some((f) => f.name === 'departmentCode') ? { departmentCode: detail.departmentCode ?? undefined } : {}
        }
        onValuesChange={(changed: Values) => {
          if ('departmentCode' in changed) form.setFieldValue('handlerId', undefined);
          // The centre's refusal was of what was there before: it goes once the input changes.
          if (mutation.error) mutation.reset();
        }}
      >
        {fields.map((f) => (
          <Form.Item
            key={f.name}
            name={f.name}
            label={t(`case.field.${f.name}`)}
            required={f.required}
            rules={[fieldRule(f.name, f.schema)]}
          >
            <Field name={f.name} caseId={detail.id} departmentCode={departmentCode} />
          </Form.Item>
        ))}
        {mutation.error ? <Alert type="error" showIcon role="alert" title={errorInWords(mutation.error)} /> : null}
      </Form>
    </Modal>
  );
}
