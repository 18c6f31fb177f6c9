/**
 * Confirm before a destructive action (revoke a device, disable an account, …): a modal that names what will
 * happen, whose OK button is red and not focused first, so that Enter alone does not do it. Runs in the browser.
 */
import { App } from 'antd';
import type { ReactNode } from 'react';
import { t } from '../i18n.js';

export interface ConfirmOptions {
  title: ReactNode;
  /** What will happen, in words: the consequence, not only the action's name. */
  content: ReactNode;
  /** The words of the OK button (for example 吊销). */
  okText: string;
}

/** `const confirm = useConfirmDestructive(); if (await confirm({...})) mutate()`. */
export function useConfirmDestructive(): (options: ConfirmOptions) => Promise<boolean> {
  const { modal } = App.useApp();
  return (options) =>
    new Promise<boolean>((resolve) => {
      modal.confirm({
        title: options.title,
        content: options.content,
        okText: options.okText,
        cancelText: t('confirm.cancel'),
        okButtonProps: { danger: true },
        autoFocusButton: 'cancel',
        onOk: () => resolve(true),
        onCancel: () => resolve(false),
      });
    });
}
