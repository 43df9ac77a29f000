import type { JourneyFamily } from '../../../lib/drill.ts';
import type { MessageKey, Translate } from '../../../lib/i18n.tsx';
import { rfmLabel } from '../../../lib/rfm.ts';
import { NO_RFM, NOT_REGISTERED } from './transform.ts';

export const FAMILY_TITLE: Record<JourneyFamily, MessageKey> = {
  lifecycle_stage: 'col.lifecycle_stage', rfm_segment: 'col.rfm_segment', aipl_stage: 'chart.aipl', five_a_stage: 'chart.fiveA',
};
const STAGE_PREFIX: Partial<Record<JourneyFamily, string>> = { lifecycle_stage: 'lifecycle', aipl_stage: 'aipl', five_a_stage: 'fiveA' };

/** A stage in words: the family's own words. */
export function stageLabel(family: JourneyFamily, t: Translate): (stage: string) => string {
  return (stage) => {
    if (stage === NOT_REGISTERED) return t('journey.notRegistered');
    if (stage === NO_RFM && family === 'rfm_segment') return t('journey.noOrder');
    if (family === 'rfm_segment') return rfmLabel(stage, t);
    const prefix = STAGE_PREFIX[family];
    return prefix ? t(`${prefix}.${stage}` as MessageKey) : stage;
  };
}
