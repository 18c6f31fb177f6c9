/**
 * The centre's public pages (the QR rating page, the 意见箱): one frame and one style, plain HTML with no script,
 * zh-CN, large touch targets, readable at 360 px. Every text shown goes through `escape`. Runs in Node.
 */

export const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 18px/1.6 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2933;
         background: #f4f6f8; }
  main { max-width: 560px; margin: 0 auto; padding: 20px 16px 40px; }
  h1 { font-size: 24px; margin: 8px 0 4px; }
  .service { color: #52606d; margin: 0 0 20px; }
  .levels { display: grid; gap: 12px; }
  .level { display: block; padding: 18px; border-radius: 12px; background: #fff; border: 2px solid #cbd2d9;
           color: inherit; text-decoration: none; font-size: 22px; text-align: center; }
  .level.bad { border-color: #f5c6cb; }
  fieldset { border: 0; padding: 0; margin: 0 0 16px; }
  legend { font-weight: 600; margin-bottom: 8px; }
  label.tag { display: flex; gap: 12px; align-items: center; min-height: 48px; padding: 8px 12px; margin-bottom: 8px;
              background: #fff; border-radius: 10px; border: 1px solid #cbd2d9; }
  input[type=checkbox] { width: 24px; height: 24px; }
  textarea, input[type=tel] { width: 100%; font: inherit; padding: 12px; border-radius: 10px; border: 1px solid #9aa5b1; }
  textarea { min-height: 120px; }
  .notice { font-size: 15px; color: #52606d; }
  .error { background: #fde8e8; color: #9b1c1c; padding: 12px; border-radius: 10px; }
  button { width: 100%; min-height: 56px; font: inherit; font-size: 22px; border: 0; border-radius: 12px;
           background: #1f6feb; color: #fff; margin-top: 16px; }
  .back { display: inline-block; margin-top: 16px; color: #1f6feb; min-height: 44px; }
  .done { text-align: center; padding-top: 40px; }
  .done p { font-size: 22px; }
  select, input[type=text] { width: 100%; font: inherit; padding: 12px; border-radius: 10px; border: 1px solid #9aa5b1;
                             background: #fff; min-height: 48px; }
  label.choice { display: flex; gap: 12px; align-items: center; min-height: 48px; padding: 8px 12px; margin-bottom: 8px;
                 background: #fff; border-radius: 10px; border: 1px solid #cbd2d9; }
  input[type=radio] { width: 24px; height: 24px; }
  .hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.ico"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}
