/**
 * The layout check every screen test shares: at the sizes counters have (a 1920×1080 monitor, a 1280×800 tablet, an
 * 800×480 evaluator screen), a page has no horizontal scrollbar and every visible control lies inside the viewport
 * — nothing a person at a touchscreen would have to scroll to reach. Also saves the screenshot of that state.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCREENSHOTS } from './browser.js';

export const SCREEN_SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
  { width: 800, height: 480 },
] as const;

export interface LayoutFault {
  control: string;
  box: { x: number; y: number; width: number; height: number };
}

/** The visible controls (buttons, inputs, selects, links, the keypad) that lie outside the viewport, and whether the page scrolls sideways. */
export async function layoutFaults(page: Page): Promise<{ horizontalScroll: boolean; outside: LayoutFault[] }> {
  // A string, evaluated in the page: the tests' tsconfig has no DOM types (and must not: they would leak into Node's).
  return page.evaluate(`(() => {
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const horizontalScroll = document.documentElement.scrollWidth > vw || document.body.scrollWidth > vw;
    const outside = [];
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href], [role="button"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden' || el.closest('[hidden]')) continue;
      if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
      // Half a pixel of rounding is not a control out of reach.
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
        const label = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40);
        const cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '';
        outside.push({
          control: el.tagName.toLowerCase() + cls + ' "' + label + '"',
          box: { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) },
        });
      }
    }
    return { horizontalScroll, outside };
  })()`);
}

/**
 * Saves `test-results/screenshots/<name>-<w>x<h>.png` and fails when the page scrolls sideways or a control lies
 * outside the viewport, naming the controls.
 */
export async function expectFits(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size?.width}x${size?.height}.png`) });
  const faults = await layoutFaults(page);
  expect({ page: name, size, ...faults }).toEqual({ page: name, size, horizontalScroll: false, outside: [] });
}

/** Runs `check` at each counter size, the page resized in place (the screen's state is kept). */
export async function atEachSize(page: Page, check: (size: { width: number; height: number }) => Promise<void>) {
  const original = page.viewportSize();
  try {
    for (const size of SCREEN_SIZES) {
      await page.setViewportSize(size);
      await check(size);
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}
