/**
 * One case (差评工单 → a case): the rating and its context, the phone masked with its audited 查看, the deadline of
 * the current state and its countdown in working days, the actions the viewer may take now (CaseDetail.actions,
 * computed by the centre with src/shared/cases.ts availableActions: nothing else is offered), each a validated form,
 * and the timeline of every transition with its actor, note, details and attachments. Runs in the browser.
 */
import { ArrowLeftOutlined, EyeOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Row,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { CaseAction } from '../../../shared/cases.js';
import { PhoneRevealRequest, type CaseAttachment, type CaseDetail, type CaseEvent } from '../../../shared/cases-api.js';
import { DEFAULT_REASON_TAGS } from '../../../shared/reason-tags.js';
import { useCatalogue } from '../../catalogue.js';
import { errorInWords } from '../../components/error-words.js';
import { dateTime } from '../../components/format.js';
import { PageFrame, QueryState } from '../../components/page-frame.js';
import { t, useLanguage } from '../../i18n.js';
import { ActionDialog, issueInWords } from './action-form.js';
import { attachmentUrl, caseDetail, caseKey, revealPhone } from './cases-client.js';
import { DeadlineTags, dueDay, LevelTag, StateTag } from './case-tags.js';
import './messages.js';

/** The default tags' labels (the hall's own list is data; a code it lacks shows as itself). */
const REASON_LABELS = new Map(DEFAULT_REASON_TAGS.map((r) => [r.code, r.label]));

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function AttachmentLink({ caseId, attachment }: { caseId: string; attachment: CaseAttachment }) {
  return (
    <a href={attachmentUrl(caseId, attachment.sha256)} download={attachment.name} data-testid="case-attachment">
      <PaperClipOutlined /> {attachment.name}{' '}
      <Typography.Text type="secondary">({formatBytes(attachment.bytes)})</Typography.Text>
    </a>
  );
}

/** The audited reveal: a purpose asked, the number shown in the dialog only, forgotten when it closes. */
function PhoneReveal({ detail }: { detail: CaseDetail }) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ purpose: string }>();
  const reveal = useMutation({ mutationFn: (purpose: string) => revealPhone(detail.id, purpose) });
  const close = () => {
    setOpen(false);
    reveal.reset();
    form.resetFields();
  };
  const masked = detail.evaluation.phoneMasked;
  if (!masked) return <Typography.Text type="secondary">{t('case.phone.none')}</Typography.Text>;
  return (
    <Space>
      <span data-testid="case-phone">{masked}</span>
      {detail.mayRevealPhone ? (
        <Button size="small" icon={<EyeOutlined />} onClick={() => setOpen(true)}>
          {t('case.phone.reveal')}
        </Button>
      ) : null}
      <Modal
        open={open}
        title={t('case.phone.title')}
        onCancel={close}
        destroyOnHidden
        footer={
          reveal.data ? (
            <Button onClick={close}>{t('case.phone.close')}</Button>
          ) : (
            <Space>
              <Button onClick={close}>{t('case.cancel')}</Button>
              <Button type="primary" loading={reveal.isPending} onClick={() => form.submit()}>
                {t('case.phone.confirm')}
              </Button>
            </Space>
          )
        }
      >
        {reveal.data ? (
          <Flex vertical gap={8}>
            <Typography.Title level={3} copyable data-testid="case-phone-revealed" style={{ margin: 0 }}>
              {reveal.data.phone}
            </Typography.Title>
            <Typography.Text type="secondary">{t('case.phone.shown')}</Typography.Text>
          </Flex>
        ) : (
          <Form
            form={form}
            layout="vertical"
            aria-label={t('case.phone.title')}
            onFinish={(v) => reveal.mutate(v.purpose.trim())}
          >
            <Form.Item
              name="purpose"
              label={t('case.phone.purpose')}
              extra={t('case.phone.purposeHint')}
              required
              rules={[
                {
                  validator: async (_r, value: unknown) => {
                    const r = PhoneRevealRequest.shape.purpose.safeParse(value ?? '');
                    if (!r.success) throw new Error(issueInWords(r.error.issues[0]!));
                  },
                },
              ]}
            >
              <Input maxLength={200} />
            </Form.Item>
            {reveal.error ? <Alert type="error" showIcon role="alert" title={errorInWords(reveal.error)} /> : null}
          </Form>
        )}
      </Modal>
    </Space>
  );
}

/** The current state's deadline and its countdown in working days. */
function Deadline({ detail }: { detail: CaseDetail }) {
  const left = detail.workingDaysLeft;
  const countdown =
    left === null
      ? null
      : left > 0
        ? t('case.deadline.left', { n: left })
        : left === 0
          ? t('case.deadline.today')
          : t('case.deadline.overdueBy', { n: -left });
  return (
    <Card title={t('case.deadline')} size="small" data-testid="case-deadline">
      {detail.dueAt ? (
        <Flex vertical gap={6}>
          <Typography.Text>
            {t('case.deadline.day')}：{t('case.dueDay', { day: detail.deadlineDay ?? dueDay(detail.dueAt) })}
          </Typography.Text>
          <Typography.Title
            level={4}
            style={{ margin: 0 }}
            type={detail.overdue ? 'danger' : detail.dueSoon ? 'warning' : undefined}
            data-testid="case-countdown"
          >
            {countdown}
          </Typography.Title>
          <DeadlineTags item={detail} />
          {detail.deadlineUncovered ? <Alert type="warning" showIcon title={t('case.deadline.uncovered')} /> : null}
        </Flex>
      ) : (
        <Typography.Text type="secondary">{t('case.deadline.none')}</Typography.Text>
      )}
      {detail.promisedBy ? (
        <div style={{ marginTop: 8 }}>
          {t('case.promisedBy')}：{detail.promisedBy}
        </div>
      ) : null}
      {detail.extensionPending && detail.extension ? (
        <Alert
          style={{ marginTop: 8 }}
          type="info"
          showIcon
          title={t('case.extension')}
          description={t('case.extension.detail', { day: detail.extension.newDueDay, note: detail.extension.note })}
          data-testid="case-extension"
        />
      ) : null}
    </Card>
  );
}

const DETAIL_KEYS = [
  'method',
  'result',
  'basis',
  'promisedBy',
  'newDueDay',
  'followUpLevel',
  'departmentCode',
  'handlerName',
  'purpose',
];

function EventDetail({ event, handlers }: { event: CaseEvent; handlers: ReadonlyMap<string, string> }) {
  const catalogue = useCatalogue();
  const parts: string[] = [];
  for (const key of DETAIL_KEYS) {
    // The handler named: its name when the page knows it (the case's handler), never its id.
    const raw = key === 'handlerName' ? handlers.get(String(event.detail.handlerId)) : event.detail[key];
    // Codes, days and levels only: anything else (an object) is not for this line.
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    if (raw === '') continue;
    const v = String(raw);
    const value =
      key === 'method'
        ? t(`case.method.${v}`)
        : key === 'result'
          ? t(`case.result.${v}`)
          : key === 'basis'
            ? t(`case.basis.${v}`)
            : key === 'followUpLevel'
              ? t(`level.${v}`)
              : key === 'departmentCode'
                ? catalogue.nameOf('departments', v, false)
                : v;
    const label =
      key === 'handlerName' ? t('case.handler') : key === 'purpose' ? t('case.phone.purpose') : t(`case.field.${key}`);
    parts.push(`${label}：${value}`);
  }
  return parts.length ? <Typography.Text type="secondary">{parts.join('；')}</Typography.Text> : null;
}

function CaseTimeline({ detail }: { detail: CaseDetail }) {
  const handlers = new Map(detail.handlerId && detail.handlerName ? [[detail.handlerId, detail.handlerName]] : []);
  return (
    <Timeline
      data-testid="case-timeline"
      items={detail.events.map((event) => ({
        key: event.id,
        color: event.action === 'overdue' ? 'red' : event.to === 'closed' ? 'green' : 'blue',
        content: (
          <Flex vertical gap={2} data-testid="case-event" data-action={event.action}>
            <Space wrap>
              <Typography.Text strong>{t(`case.action.${event.action}`)}</Typography.Text>
              {event.from && event.to && event.from !== event.to ? (
                <Typography.Text type="secondary">
                  {t(`case.state.${event.from}`)} → {t(`case.state.${event.to}`)}
                </Typography.Text>
              ) : null}
              <Typography.Text type="secondary">{dateTime(event.at)}</Typography.Text>
              <Typography.Text type="secondary">
                {event.actor.id || event.actor.role
                  ? t('case.by', {
                      name: event.actor.name,
                      role: event.actor.role ? t(`role.${event.actor.role}`) : '',
                    })
                  : t('case.system')}
              </Typography.Text>
            </Space>
            {event.note ? <Typography.Paragraph style={{ margin: 0 }}>{event.note}</Typography.Paragraph> : null}
            <EventDetail event={event} handlers={handlers} />
            {event.attachments.map((a) => (
              <AttachmentLink key={a.sha256} caseId={detail.id} attachment={a} />
            ))}
          </Flex>
        ),
      }))}
    />
  );
}

function CaseBody({ detail }: { detail: CaseDetail }) {
  const catalogue = useCatalogue();
  const [action, setAction] = useState<CaseAction | null>(null);
  const e = detail.evaluation;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={16}>
        <Flex vertical gap={16}>
          <Card title={t('case.rating')} size="small" data-testid="case-rating">
            <Descriptions column={{ xs: 1, md: 2 }} size="small">
              <Descriptions.Item label={t('case.level')}>
                <LevelTag level={detail.satisfaction} />
              </Descriptions.Item>
              <Descriptions.Item label={t('case.invitedAt')}>{dateTime(e.endedAt ?? e.invitedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('cases.col.department')}>
                {detail.departmentCode
                  ? catalogue.nameOf('departments', detail.departmentCode)
                  : t('cases.triageQueue')}
              </Descriptions.Item>
              <Descriptions.Item label={t('cases.col.window')}>
                {catalogue.nameOf('windows', detail.windowCode)}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.staff')}>{catalogue.nameOf('staff', detail.staffNo)}</Descriptions.Item>
              <Descriptions.Item label={t('cases.col.item')}>
                {catalogue.nameOf('serviceItems', detail.serviceItemCode)}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.channel')}>{t(`channel.${detail.channel}`)}</Descriptions.Item>
              <Descriptions.Item label={t('case.handler')}>
                {detail.handlerName ?? t('cases.unassigned')}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.reasons')}>
                {e.reasonTags.length ? e.reasonTags.map((r) => <Tag key={r}>{REASON_LABELS.get(r) ?? r}</Tag>) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.phone')}>
                <PhoneReveal detail={detail} />
              </Descriptions.Item>
              <Descriptions.Item label={t('case.comment')} span={2}>
                {e.comment ?? '—'}
              </Descriptions.Item>
              {detail.followUpLevel ? (
                <Descriptions.Item label={t('case.followUp')}>
                  <LevelTag level={detail.followUpLevel} />
                </Descriptions.Item>
              ) : null}
            </Descriptions>
          </Card>
          <Card title={t('case.timeline')} size="small">
            <CaseTimeline detail={detail} />
          </Card>
        </Flex>
      </Col>
      <Col xs={24} xl={8}>
        <Flex vertical gap={16}>
          <Card title={t('case.actions')} size="small" data-testid="case-actions">
            {detail.actions.length ? (
              <Flex wrap gap={8}>
                {detail.actions.map((a, i) => (
                  <Button key={a} type={i === 0 ? 'primary' : 'default'} onClick={() => setAction(a)}>
                    {t(`case.action.${a}`)}
                  </Button>
                ))}
              </Flex>
            ) : (
              <Typography.Text type="secondary">{t('case.actions.none')}</Typography.Text>
            )}
          </Card>
          <Deadline detail={detail} />
          <Card title={t('case.attachments')} size="small">
            {detail.attachments.length ? (
              <Flex vertical gap={4}>
                {detail.attachments.map((a) => (
                  <AttachmentLink key={a.sha256} caseId={detail.id} attachment={a} />
                ))}
              </Flex>
            ) : (
              <Typography.Text type="secondary">{t('case.attachments.none')}</Typography.Text>
            )}
          </Card>
          <Typography.Text type="secondary">{t('cases.privacy')}</Typography.Text>
        </Flex>
      </Col>
      <ActionDialog detail={detail} action={action} onClose={() => setAction(null)} />
    </Row>
  );
}

export function CasePage() {
  useLanguage();
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: caseKey(id), queryFn: () => caseDetail(id) });
  const detail = query.data;
  return (
    <PageFrame
      title={detail ? `${t('menu.cases')} ${detail.number}` : t('menu.cases')}
      description={
        detail ? (
          <Space>
            <StateTag state={detail.state} />
            {detail.reopenCount ? <Tag color="orange">{t('cases.reopened', { n: detail.reopenCount })}</Tag> : null}
          </Space>
        ) : undefined
      }
      extra={
        <Link to="/cases">
          <Button icon={<ArrowLeftOutlined />}>{t('case.back')}</Button>
        </Link>
      }
    >
      <QueryState query={query}>{(d) => <CaseBody detail={d} />}</QueryState>
    </PageFrame>
  );
}
