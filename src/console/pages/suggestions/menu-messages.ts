/** The 意见箱's menu label, which the console's frame needs before the page loads. Runs in the browser. */
import { addMessages } from '../../i18n.js';

addMessages({
  'zh-CN': { 'menu.suggestions': '意见箱' },
  en: { 'menu.suggestions': 'Suggestion box' },
});
