/**
 * Spoken prompts on the touchscreen (适老化), as an evaluator speaks them: 请对本次服务做出评价 when the prompt opens,
 * 谢谢您的评价 after the rating. Through the system's speech when it has a voice for the screen's language, else
 * the bundled recordings (Chinese; made with espeak-ng, docs/kiosk-screens.md). Volume and on/off are hall settings
 * from the centre (DeviceConfig.citizenScreen). Never says anything about the level rated. Runs in the browser.
 */
import type { CitizenScreenSettings } from '../../shared/device-config.js';
import { translate, type Lang } from '../i18n.js';
import promptAudio from './voice/prompt.wav';
import thanksAudio from './voice/thanks.wav';

export type SpokenPrompt = 'rate_prompt' | 'thanks';

const RECORDINGS: Record<SpokenPrompt, string> = { rate_prompt: promptAudio, thanks: thanksAudio };
const VOICE_LANG: Record<Lang, string> = { zh: 'zh', en: 'en' };

/** The system voice for `lang`, if the machine has one (the list may be empty until the engine has loaded). */
function systemVoice(lang: Lang): SpeechSynthesisVoice | undefined {
  if (typeof speechSynthesis === 'undefined') return undefined;
  return speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(VOICE_LANG[lang]));
}

let playing: HTMLAudioElement | null = null;

/** Says `prompt` in `lang` (or stops what is being said, for a prompt of none), as the hall's settings allow. */
export function speak(
  prompt: SpokenPrompt,
  lang: Lang,
  settings: CitizenScreenSettings,
): 'system' | 'recording' | 'off' {
  stopSpeaking();
  if (!settings.speech || settings.volume === 0) return 'off';
  const volume = settings.volume / 100;
  const voice = systemVoice(lang) ?? (lang === 'zh' ? undefined : systemVoice('zh'));
  if (voice) {
    const utterance = new SpeechSynthesisUtterance(translate(voice.lang.startsWith('zh') ? 'zh' : lang, prompt));
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.volume = volume;
    utterance.rate = 0.9; // a little slower than the engine's default, for older raters
    speechSynthesis.speak(utterance);
    return 'system';
  }
  playing = new Audio(RECORDINGS[prompt]);
  playing.volume = volume;
  // A browser that refuses to play without a gesture (the browser host without autoplay allowed) stays silent.
  void playing.play().catch(() => undefined);
  return 'recording';
}

export function stopSpeaking(): void {
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
  playing?.pause();
  playing = null;
}
