/**
 * The 意见箱 page (`/suggest`; issue 17, 第十一条): no login, no script. One form: the kind (建议/投诉/咨询/表扬), the
 * text, optionally the department it is about, and optionally a phone number or e-mail address for the answer
 * (with the notice of how it is kept). A hidden field people never fill catches robots (HONEYPOT_FIELD). Runs in
 * Node.
 */
import {
  HONEYPOT_FIELD,
  MAX_SUGGESTION_LENGTH,
  SUGGESTION_KIND_LABELS,
  SUGGESTION_KINDS,
} from '../../shared/suggestions.js';
import { escape, page } from './html.js';

export interface SuggestForm {
  kind: string;
  text: string;
  departmentCode: string;
  contact: string;
}

export const EMPTY_FORM: SuggestForm = { kind: 'suggestion', text: '', departmentCode: '', contact: '' };

export function suggestPage(
  departments: readonly { code: string; name: string }[],
  kept: SuggestForm = EMPTY_FORM,
  error: string | null = null,
): string {
  const kinds = SUGGESTION_KINDS.map(
    (k) =>
      `<label class="choice"><input type="radio" name="kind" value="${k}"${kept.kind === k ? ' checked' : ''}>${SUGGESTION_KIND_LABELS[k]}</label>`,
  ).join('\n');
  const options = [
    `<option value="">不指定</option>`,
    ...departments.map(
      (d) =>
        `<option value="${escape(d.code)}"${kept.departmentCode === d.code ? ' selected' : ''}>${escape(d.name)}</option>`,
    ),
  ].join('');
  return page(
    '意见箱',
    `<h1>意见箱</h1>
<p class="service">欢迎对政务服务提出建议、投诉、咨询或表扬。无需登录。</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/suggest">
<fieldset><legend>类别</legend>${kinds}</fieldset>
<fieldset><legend><label for="text">内容（必填，最多 ${MAX_SUGGESTION_LENGTH} 字）</label></legend>
<textarea id="text" name="text" maxlength="${MAX_SUGGESTION_LENGTH}" required>${escape(kept.text)}</textarea></fieldset>
<fieldset><legend><label for="departmentCode">涉及部门（选填）</label></legend>
<select id="departmentCode" name="departmentCode">${options}</select></fieldset>
<fieldset><legend><label for="contact">联系方式（选填：手机号或电子邮箱）</label></legend>
<input id="contact" name="contact" type="text" inputmode="email" maxlength="200" autocomplete="off" value="${escape(kept.contact)}">
<p class="notice">留下联系方式，便于我们答复您。联系方式加密保存，只用于答复，不向窗口工作人员公开，不会用于其他用途。</p></fieldset>
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">请勿填写</label><input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">提交</button>
</form>`,
  );
}

/** The thanks, with the item's number when one was kept (a robot's form gets the same words and no number). */
export function suggestThanksPage(number: string | null): string {
  return page(
    '感谢您的意见',
    `<div class="done"><h1>感谢您的意见</h1><p>我们会在规定时限内处理。${
      number ? `</p><p>意见编号：<strong>${escape(number)}</strong>，请留存以便查询。` : ''
    }</p></div>`,
  );
}
