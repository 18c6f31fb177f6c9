/**
 * The frame every page of the console sits in: its title (also the document's title), actions on the right, and
 * the loading, empty and error states in words, the same on every page. Runs in the browser.
 */
import { FileUnknownOutlined, LockOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Flex, Result, Spin, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { Link } from 'react-router';
import { t } from '../i18n.js';
import { errorInWords } from './error-words.js';

export interface PageFrameProps {
  title: string;
  /** A line under the title: what the page shows, and for whom. */
  description?: ReactNode;
  /** Actions at the title's right (for example 新建登记码). */
  extra?: ReactNode;
  children: ReactNode;
}

export function PageFrame({ title, description, extra, children }: PageFrameProps) {
  useEffect(() => {
    document.title = `${title} · ${t('app.title')}`;
  }, [title]);
  return (
    <div className="console-page">
      <Flex justify="space-between" align="flex-start" gap={16} className="console-page-head">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {description ? (
            <Typography.Text type="secondary" className="console-page-description">
              {description}
            </Typography.Text>
          ) : null}
        </div>
        {extra ? <Flex gap={8}>{extra}</Flex> : null}
      </Flex>
      {children}
    </div>
  );
}

/** What a query gives a page: pending, failed, or its data. */
export interface QueryLike<T> {
  isPending: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * Loading (a spinner saying so), error (in words, with 重试), empty (`isEmpty(data)`, with `empty` words) or
 * `children(data)`.
 */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <LoadingState />;
  if (isEmpty?.(query.data)) return <Empty description={empty ?? t('state.empty')} />;
  return <>{children(query.data)}</>;
}

export function LoadingState() {
  return (
    <Flex justify="center" align="center" style={{ padding: 48 }} role="status">
      <Spin />
      <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
        {t('state.loading')}
      </Typography.Text>
    </Flex>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={errorInWords(error)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('state.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

export function ForbiddenState() {
  return (
    <Result
      // A plain sign, not antd's illustration: this is an office tool.
      icon={<LockOutlined style={{ color: '#8c96a3' }} />}
      title={t('state.forbidden.title')}
      subTitle={t('state.forbidden.text')}
      extra={
        <Link to="/">
          <Button type="primary">{t('state.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function NotFoundState() {
  return (
    <Result
      icon={<FileUnknownOutlined style={{ color: '#8c96a3' }} />}
      title={t('state.notFound.title')}
      subTitle={t('state.notFound.text')}
      extra={
        <Link to="/">
          <Button type="primary">{t('state.backHome')}</Button>
        </Link>
      }
    />
  );
}
