// Lecture mode (the `presenter` attribute, or "Presenter mode" in the Lecture panel): every
// text of the element at least 20 px on screen, and the ring, every node's log row and the
// step caption on one 1280×720 screen (presenter.css). The ring is an SVG scaled to its
// panel, so a font size written in its units shrinks with it: this keeps `--ring-font`, the
// size in ring units that draws PRESENTER_TEXT_PX on screen, on the element's main area.
import { RING_VIEW_UNITS } from "./render-ring";

/** The smallest text size on screen in lecture mode, in CSS px. */
export const PRESENTER_TEXT_PX = 20;

/** Keeps `--ring-font` on `main` as the ring `ring` is resized (one ResizeObserver; no work
 * per frame). */
export function watchRingFont(ring: Element, main: HTMLElement): void {
  new ResizeObserver(() => {
    const px = ring.getBoundingClientRect().width;
    if (px <= 0) return;
    // Never smaller than PRESENTER_TEXT_PX in CSS px either (a ring drawn larger than its units).
    const units = Math.max(PRESENTER_TEXT_PX, (PRESENTER_TEXT_PX * RING_VIEW_UNITS) / px);
    const v = `${units.toFixed(1)}px`;
    if (main.style.getPropertyValue("--ring-font") !== v) {
      main.style.setProperty("--ring-font", v);
      main.style.setProperty("--ring-font-n", units.toFixed(1));
    }
  }).observe(ring);
}

/** True on a device whose main pointer is a finger (no hover): hints speak of taps, not keys. */
export function touchDevice(doc: Document): boolean {
  return doc.defaultView?.matchMedia?.("(hover: none) and (pointer: coarse)").matches ?? false;
}
