/**
 * Technician mode's key panels, in the evaluator step: the key order (which level each physical key gives; a local
 * order overrides the centre's and is reported to it) and the key test (each key pressed once, seen here and never
 * recorded as a rating). Runs in the browser.
 */
import type { Dispatch, SetStateAction } from 'react';
import { KEY_TEST_MAX_MS } from '../../shared/records.js';
import { SATISFACTION_LABELS, type Satisfaction } from '../../shared/satisfaction.js';
import type { TechState } from './tech-store.js';

/** The key order being edited, left to right, and whether it names each level once (else it cannot be saved). */
export function KeyOrder({
  state,
  keyMap,
  onChange,
  permutation,
  onUseCentral,
}: {
  state: TechState;
  keyMap: number[];
  onChange: Dispatch<SetStateAction<number[]>>;
  permutation: boolean;
  /** Drops the local order: the centre's is in force again. */
  onUseCentral: () => void;
}) {
  const source = state.status!.keyMapSource;
  return (
    <>
      <div className="keymap">
        按键顺序（从左到右）：
        {keyMap.map((level, i) => (
          <select
            key={i}
            aria-label={`按键 ${i + 1}`}
            value={level}
            onChange={(e) => onChange((m) => m.map((v, j) => (j === i ? Number(e.target.value) : v)))}
          >
            {[5, 4, 3, 2, 1].map((l) => (
              <option key={l} value={l}>
                {SATISFACTION_LABELS[l as Satisfaction].zh}
              </option>
            ))}
          </select>
        ))}
      </div>
      <p className="keymap-source" data-keymap-source={source}>
        {source === 'local' ? '当前为本机设置的按键顺序（已报告中心系统）' : '当前为中心系统配置的按键顺序'}
        {!permutation && '：每个等级只能对应一个键'}
      </p>
      {source === 'local' && <button onClick={onUseCentral}>恢复中心系统的按键顺序</button>}
    </>
  );
}

/** The key test's switch and the keys seen since it started, each with the level it gives under `keyMap`. */
export function KeyTest({
  state,
  keyMap,
  testing,
  onToggle,
}: {
  state: TechState;
  keyMap: number[];
  testing: boolean;
  onToggle: () => void;
}) {
  return (
    <div className="keytest">
      <button onClick={onToggle}>{testing ? '结束按键测试' : '按键测试：请依次按下每个键'}</button>
      <p className="hint" data-testid="keytest-hint">
        {testing && state.keyTest
          ? `测试期间本机不计评价、不能登录或发起评价；${new Date(state.keyTest.endsAt).toLocaleTimeString('zh-CN')} 自动结束。`
          : state.keyTestEnded === 'timeout'
            ? `按键测试已满 ${KEY_TEST_MAX_MS / 60_000} 分钟，已自动结束；之后的按键不再是测试。`
            : `只能在无人登录、没有待评价时开始；最长 ${KEY_TEST_MAX_MS / 60_000} 分钟，到时自动结束。`}
      </p>
      <ol className="keys">
        {[1, 2, 3, 4, 5].map((k) => {
          const seen = state.keys.some((p) => p.key === k);
          return (
            <li key={k} className={seen ? 'seen' : ''} data-key={k}>
              键 {k}：{SATISFACTION_LABELS[keyMap[k - 1] as Satisfaction].zh} {seen ? '✓' : ''}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
