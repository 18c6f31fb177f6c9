/** Placeholder until the page is built. Runs in the browser. */
import { Empty } from 'antd';
import { PageFrame } from '../../components/page-frame.js';
import { t } from '../../i18n.js';

export function DevicesPage() {
  return (
    <PageFrame title={t('menu.devices')}>
      <Empty />
    </PageFrame>
  );
}
