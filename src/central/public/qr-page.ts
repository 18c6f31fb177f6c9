/**
 * The QR rating page a citizen opens on a phone (`/r/<token>`; issue 17, 第十条(四)): plain HTML rendered by the
 * centre, no script at all, zh-CN, large touch targets, readable at 360 px. Two steps: the five levels as buttons
 * (each a link with `?level=`), then that level's reason tags, a comment and an optional phone number with the
 * 第五条 notice, posted as a form. Every text shown is escaped here. Runs in Node.
 */
import { SATISFACTION_LABELS, SATISFACTION_LEVELS, type Satisfaction } from '../../shared/satisfaction.js';
import { MAX_COMMENT_LENGTH } from '../../shared/channels-api.js';
import { escape, page } from './html.js';

export interface QrService {
  serviceItemName: string | null;
  windowName: string | null;
  departmentName: string | null;
}

function serviceLine(s: QrService): string {
  const parts = [s.serviceItemName, s.windowName ?? s.departmentName].filter((p): p is string => p !== null);
  return parts.length > 0 ? `<p class="service">${parts.map(escape).join(' · ')}</p>` : '';
}

/** Step one: the five levels. */
export function levelsPage(service: QrService, self: string): string {
  const levels = SATISFACTION_LEVELS.map(
    (l) =>
      `<a class="level${l <= 2 ? ' bad' : ''}" href="${escape(`${self}?level=${l}`)}">${SATISFACTION_LABELS[l].zh}</a>`,
  ).join('\n');
  return page('请您评价', `<h1>请您对本次服务进行评价</h1>${serviceLine(service)}<div class="levels">${levels}</div>`);
}

/** Step two: the chosen level's tags, a comment and a phone number; `error` when the last try was refused. */
export function detailsPage(
  service: QrService,
  self: string,
  level: Satisfaction,
  tags: readonly { code: string; label: string }[],
  error: string | null = null,
  kept: { tags: readonly string[]; comment: string; phone: string } = { tags: [], comment: '', phone: '' },
): string {
  const bad = level <= 2;
  const tagBoxes = tags
    .map(
      (t) =>
        `<label class="tag"><input type="checkbox" name="tag" value="${escape(t.code)}"${kept.tags.includes(t.code) ? ' checked' : ''}>${escape(t.label)}</label>`,
    )
    .join('\n');
  return page(
    SATISFACTION_LABELS[level].zh,
    `<h1>您的评价：${SATISFACTION_LABELS[level].zh}</h1>${serviceLine(service)}
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(self)}">
<input type="hidden" name="level" value="${level}">
${tags.length > 0 ? `<fieldset><legend>${bad ? '请选择不满意的原因' : '您满意的方面（可选）'}</legend>${tagBoxes}</fieldset>` : ''}
<fieldset><legend><label for="comment">${bad ? '请写下您的意见（未选原因时必填）' : '您的意见（可选）'}</label></legend>
<textarea id="comment" name="comment" maxlength="${MAX_COMMENT_LENGTH}">${escape(kept.comment)}</textarea></fieldset>
${
  bad
    ? `<fieldset><legend><label for="phone">联系电话（可选）</label></legend>
<input id="phone" name="phone" type="tel" inputmode="tel" maxlength="20" value="${escape(kept.phone)}">
<p class="notice">留下电话，便于我们核实和回访整改情况。您的电话依规保密，只用于回访，不向窗口工作人员公开；未经您允许，任何人不得泄露您的信息，不得骚扰或打击报复（“好差评”实施办法第五条）。</p></fieldset>`
    : ''
}
<button type="submit">提交评价</button>
</form>
<a class="back" href="${escape(self)}">重新选择</a>`,
  );
}

/** What the page says in the end, or instead of the form. */
export const QR_MESSAGES = {
  thanks: ['感谢您的评价', '您的评价已提交。我们会认真对待每一条意见。'],
  rated: ['已评价', '这次服务已经评价过了，感谢您的参与。'],
  malformed: ['二维码无效', '无法识别这个二维码，请在服务窗口重新获取。'],
  forged: ['二维码无效', '这个二维码不是本中心的终端生成的，不能用于评价。'],
  expired: ['二维码已过期', '评价二维码的有效期为 7 天，这个二维码已经过期。'],
  unknown_device: ['二维码无效', '生成这个二维码的终端未在本中心登记。'],
  revoked_device: ['二维码已失效', '生成这个二维码的终端已停用，不能再用于评价。'],
  rate_limited: ['请稍后再试', '提交过于频繁，请稍后再试。'],
} as const satisfies Record<string, readonly [string, string]>;
export type QrMessage = keyof typeof QR_MESSAGES;

export function messagePage(message: QrMessage): string {
  const [title, text] = QR_MESSAGES[message];
  return page(title, `<div class="done"><h1>${title}</h1><p>${text}</p></div>`);
}
