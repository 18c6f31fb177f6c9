/**
 * Keyset paging for a list page (评价记录, 差评工单): 上一页 / 下一页 over the cursors the API gives out, no page
 * numbers, so that a page is one index walk whatever its depth. `useKeysetPages` holds the page size and the
 * cursors of the pages visited; `KeysetPager` is the footer. Runs in the browser.
 */
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Flex, Select, Typography } from 'antd';
import { useState } from 'react';
import { t } from '../i18n.js';

export const PAGE_SIZES = [20, 50, 100, 200] as const;

export interface KeysetPages {
  limit: number;
  /** The cursor of the page shown (undefined: the first). */
  cursor: string | undefined;
  /** 1 for the first page. */
  pageNumber: number;
  setLimit(limit: number): void;
  /** Back to the first page (new filters). */
  reset(): void;
  next(cursor: string): void;
  previous(): void;
}

export function useKeysetPages(initialLimit = 50): KeysetPages {
  const [limit, setLimit] = useState(initialLimit);
  // The cursors of the pages visited: [undefined (the first page), the first page's nextCursor, …].
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    limit,
    cursor: cursors.at(-1),
    pageNumber: cursors.length,
    setLimit: (value) => {
      setLimit(value);
      setCursors([undefined]);
    },
    reset: () => setCursors([undefined]),
    next: (cursor) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => c.slice(0, -1)),
  };
}

/**
 * The footer: the page's number and rows, the page size, 上一页 and 下一页. `nextCursor` is the page's own (null on
 * the last page, and while an earlier page's rows are shown in its place); `busy` while a page is on its way.
 */
export function KeysetPager(props: { pages: KeysetPages; shown: number; nextCursor: string | null; busy: boolean }) {
  const { pages, shown, nextCursor, busy } = props;
  return (
    <Flex gap={12} align="center">
      <Typography.Text type="secondary">
        {t('common.pageN', { n: pages.pageNumber })} · {t('common.shown', { n: shown })}
      </Typography.Text>
      <Select
        aria-label={t('common.pageSize')}
        value={pages.limit}
        style={{ width: 110 }}
        onChange={(value) => pages.setLimit(value)}
        options={PAGE_SIZES.map((n) => ({ value: n, label: `${t('common.pageSize')} ${n}` }))}
      />
      <Button icon={<LeftOutlined />} disabled={pages.pageNumber <= 1 || busy} onClick={() => pages.previous()}>
        {t('common.previous')}
      </Button>
      <Button disabled={!nextCursor || busy} onClick={() => nextCursor && pages.next(nextCursor)}>
        {t('common.next')}
        <RightOutlined />
      </Button>
    </Flex>
  );
}
