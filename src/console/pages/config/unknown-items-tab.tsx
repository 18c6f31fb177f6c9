/**
 * 未知事项 (issue 18): the item codes ratings carried that the catalogue does not hold, each with its count and
 * period, and the one action on it: 对应到事项, mapping it to an item of the catalogue (its ratings so far and every
 * later one). For `catalogue.write`. Runs in the browser.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Select, Table } from 'antd';
import { useState } from 'react';
import type { UnknownItem, UnknownItemMapped } from '../../../shared/unknown-items.js';
import { get, post } from '../../api.js';
import { useCatalogue } from '../../catalogue.js';
import { count, dateTime } from '../../components/format.js';
import { QueryState } from '../../components/page-frame.js';
import { t } from '../../i18n.js';
import { adminErrorInWords } from './form-rules.js';

const KEY = ['unknown-items'] as const;

export function UnknownItemsTab() {
  const list = useQuery({ queryKey: KEY, queryFn: () => get<UnknownItem[]>('/api/v1/admin/unknown-items') });
  return (
    <Flex vertical gap={16}>
      <Alert type="info" showIcon message={t('config.unknown.hint')} />
      <QueryState query={list}>
        {(rows) => (
          <Table<UnknownItem>
            rowKey="code"
            dataSource={rows}
            pagination={false}
            locale={{ emptyText: t('config.unknown.none') }}
            columns={[
              { title: t('config.unknown.code'), dataIndex: 'code' },
              { title: t('config.unknown.ratings'), dataIndex: 'ratings', render: (n: number) => count(n) },
              {
                title: t('config.unknown.period'),
                render: (_, row) => `${dateTime(row.firstAt)} — ${dateTime(row.lastAt)}`,
              },
              { title: t('config.unknown.map'), render: (_, row) => <MapTo code={row.code} /> },
            ]}
          />
        )}
      </QueryState>
    </Flex>
  );
}

function MapTo({ code }: { code: string }) {
  const catalogue = useCatalogue();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [item, setItem] = useState<string | null>(null);
  const map = useMutation({
    mutationFn: () =>
      post<UnknownItemMapped>(`/api/v1/admin/unknown-items/${encodeURIComponent(code)}/map`, {
        serviceItemCode: item,
      }),
    onSuccess: async (done) => {
      void message.success(t('config.unknown.mapped', { code: done.code, n: done.ratings }));
      await queryClient.invalidateQueries({ queryKey: KEY });
    },
    onError: (error) => void message.error(adminErrorInWords(error)),
  });
  return (
    <Flex gap={8} wrap>
      <Select
        showSearch
        optionFilterProp="label"
        style={{ minWidth: 240 }}
        placeholder={t('config.unknown.pick')}
        aria-label={t('config.unknown.pick')}
        value={item}
        onChange={setItem}
        options={catalogue.serviceItems.map((i) => ({ value: i.code, label: `${i.name}（${i.code}）` }))}
      />
      <Button type="primary" disabled={!item} loading={map.isPending} onClick={() => map.mutate()}>
        {t('config.unknown.apply')}
      </Button>
    </Flex>
  );
}
