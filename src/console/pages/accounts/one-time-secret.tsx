/**
 * A secret the centre shows once (a one-time password, an API key): large, in a monospace face, with a copy
 * button, and the warning that it will not be shown again. Closing the modal forgets it. Runs in the browser.
 */
import { Alert, Modal, Typography } from 'antd';
import { t } from '../../i18n.js';

export interface Secret {
  title: string;
  /** What it is for and what happens next (for example: must be changed at the first login). */
  note: string;
  value: string;
}

export function OneTimeSecret({ secret, onClose }: { secret: Secret | null; onClose: () => void }) {
  return (
    <Modal
      open={secret !== null}
      title={secret?.title}
      onOk={onClose}
      onCancel={onClose}
      okText={t('accounts.secret.done')}
      cancelButtonProps={{ style: { display: 'none' } }}
      maskClosable={false}
      width={600}
      destroyOnHidden
    >
      {secret ? (
        <>
          <Typography.Paragraph>{secret.note}</Typography.Paragraph>
          <Typography.Paragraph
            copyable={{ text: secret.value, tooltips: [t('accounts.secret.copy'), t('accounts.secret.copied')] }}
            className="admin-secret"
            data-testid="one-time-secret"
          >
            <code style={{ fontSize: 18, letterSpacing: 1, wordBreak: 'break-all' }}>{secret.value}</code>
          </Typography.Paragraph>
          <Alert type="warning" showIcon title={t('accounts.secret.once')} />
        </>
      ) : null}
    </Modal>
  );
}
