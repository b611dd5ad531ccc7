// Entry of the standalone widget module: importing it defines <msir-detector> (once).
import { MsirDetectorElement } from './element.ts';

export { MsirDetectorElement } from './element.ts';
export { parseEmotionList, parseMode, type WidgetMode } from './attributes.ts';
export type { WidgetErrorDetail, WidgetState } from './element.ts';
export type { WidgetDetection } from './detector-link.ts';

if (!customElements.get('msir-detector')) customElements.define('msir-detector', MsirDetectorElement);
