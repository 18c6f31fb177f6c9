/**
 * The Excel import of staff or service items: the template to download, the file to choose, 检查 (a dry run:
 * nothing is written) and 导入 (all rows or none), and the centre's row-by-row report in a table, the rows with
 * errors first. Runs in the browser.
 */
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Radio, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import {
  IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  type ImportKind,
  type ImportReport,
  type ImportRowReport,
} from '../../../shared/excel.js';
import { t } from '../../i18n.js';
import { adminErrorInWords } from './form-rules.js';
import { catalogKey } from './catalog-tab.js';
import { uploadWorkbook } from './upload.js';

const STATUS_COLOURS: Record<ImportRowReport['status'], string> = {
  created: 'green',
  updated: 'blue',
  unchanged: 'default',
  error: 'red',
};

export function ImportTab() {
  const [kind, setKind] = useState<ImportKind>('staff');
  const [file, setFile] = useState<File | null>(null);
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: ({ dryRun }: { dryRun: boolean }) => uploadWorkbook(kind, file!, dryRun),
    onSuccess: async (report) => {
      if (report.imported) await queryClient.invalidateQueries({ queryKey: catalogKey(report.kind) });
    },
  });
  const report = run.data;

  return (
    <Flex vertical gap={16}>
      <Card>
        <Flex vertical gap={16}>
          <Space size={24} wrap>
            <Radio.Group
              value={kind}
              optionType="button"
              onChange={(e) => {
                setKind(e.target.value as ImportKind);
                run.reset();
              }}
              options={[
                { value: 'staff', label: t('config.import.staff') },
                { value: 'service-items', label: t('config.import.items') },
              ]}
            />
            <Button icon={<DownloadOutlined />} href={`/api/v1/admin/imports/${kind}/template.xlsx`} download>
              {t('config.import.template')}
            </Button>
          </Space>
          <Typography.Text type="secondary">
            {t('config.import.columns', {
              columns: IMPORT_COLUMNS[kind].map((c) => c.header).join('、'),
              max: MAX_IMPORT_ROWS[kind],
            })}
            {kind === 'staff' ? ` ${t('config.import.pinNote')}` : ''}
          </Typography.Text>
          <Space size={12} wrap>
            <Upload
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(chosen) => {
                setFile(chosen);
                run.reset();
                return false;
              }}
            >
              <Button icon={<UploadOutlined />}>{t('config.import.choose')}</Button>
            </Upload>
            <Typography.Text data-testid="import-file">{file ? file.name : t('config.import.noFile')}</Typography.Text>
          </Space>
          <Space size={12}>
            <Button
              disabled={!file}
              loading={run.isPending && run.variables.dryRun}
              onClick={() => run.mutate({ dryRun: true })}
            >
              {t('config.import.check')}
            </Button>
            <Button
              type="primary"
              disabled={!file}
              loading={run.isPending && !run.variables.dryRun}
              onClick={() => run.mutate({ dryRun: false })}
            >
              {t('config.import.run')}
            </Button>
          </Space>
        </Flex>
      </Card>
      {run.error ? <Alert type="error" showIcon role="alert" title={adminErrorInWords(run.error)} /> : null}
      {report ? <ReportView report={report} /> : null}
    </Flex>
  );
}

function ReportView({ report }: { report: ImportReport }) {
  const { counts } = report;
  const summary = t('config.import.counts', counts);
  const outcome = report.imported
    ? { type: 'success' as const, title: t('config.import.done') }
    : counts.error > 0
      ? { type: 'error' as const, title: t('config.import.rejected', { n: counts.error }) }
      : { type: 'info' as const, title: t('config.import.checked') };
  const rows = [...report.rows].sort(
    (a, b) => Number(b.status === 'error') - Number(a.status === 'error') || a.row - b.row,
  );
  return (
    <Card title={t('config.import.report')}>
      <Alert
        type={outcome.type}
        showIcon
        title={outcome.title}
        description={summary}
        style={{ marginBottom: 12 }}
        data-testid="import-outcome"
      />
      <Table<ImportRowReport>
        rowKey="row"
        size="small"
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: t('config.import.noRows') }}
        columns={[
          { title: t('config.import.row'), dataIndex: 'row', width: 80 },
          { title: t('config.import.key'), dataIndex: 'key', width: 160, render: (k: string | null) => k ?? '—' },
          {
            title: t('config.import.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: ImportRowReport['status']) => (
              <Tag color={STATUS_COLOURS[s]}>{t(`config.import.status.${s}`)}</Tag>
            ),
          },
          {
            title: t('config.import.errors'),
            dataIndex: 'errors',
            render: (errors: ImportRowReport['errors']) =>
              errors.length === 0
                ? '—'
                : errors.map((e, i) => (
                    <div key={i}>
                      {e.column ? <Typography.Text strong>{e.column}：</Typography.Text> : null}
                      {e.message}
                    </div>
                  )),
          },
        ]}
      />
    </Card>
  );
}
