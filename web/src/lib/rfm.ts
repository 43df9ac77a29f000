/** The eight RFM segments are stored in Chinese (the data's values); in words, each language's own. */
import type { MessageKey, Translate } from './i18n.tsx';

const RFM_KEYS: Readonly<Record<string, MessageKey>> = {
  重要价值: 'rfm.key_value',
  重要发展: 'rfm.key_develop',
  重要保持: 'rfm.key_retain',
  重要挽留: 'rfm.key_win_back',
  一般价值: 'rfm.regular_value',
  一般发展: 'rfm.regular_develop',
  一般保持: 'rfm.regular_retain',
  一般挽留: 'rfm.regular_win_back',
};

export function rfmLabel(value: string, t: Translate): string {
  const key = RFM_KEYS[value];
  return key ? t(key) : value;
}

/** Every segment's word in the page's language, for a file that shows what the page shows. */
export function rfmLabels(t: Translate): Record<string, string> {
  return Object.fromEntries(Object.entries(RFM_KEYS).map(([value, key]) => [value, t(key)]));
}
