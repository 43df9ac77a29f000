/**
 * The journey flows' members (`customer_journeys`, offered by the
 * `journey_flows` view): not catalogue metrics, but numbers and dimensions a
 * page shows, so they are defined here with the others.
 */
import type { Definition } from './types.ts';

const stage = (zhFamily: string, enFamily: string, end: 'from' | 'to'): Definition => ({
  zh: {
    name: `${end === 'from' ? '起点' : '终点'}${zhFamily}`,
    definition: `客户在${end === 'from' ? '起点日' : '终点日'}的${zhFamily}，按截至那一天的数据分层；起点日之后才注册的客户起点为“尚未注册”。`,
  },
  en: {
    name: `${enFamily} on the ${end === 'from' ? 'start' : 'end'} day`,
    definition: `The customer's ${enFamily} on the journey's ${end === 'from' ? 'start' : 'end'} day, classified on the data up to that day; a customer registered after the start day starts as not registered.`,
  },
});

export const JOURNEY_DEFINITIONS = {
  journey_customers: {
    formula: 'count(customers moving from one stage to another)',
    zh: { name: '客户数', definition: '在所选两天之间从起点阶段流转到终点阶段的客户数（两天各自按当天的数据分层）。' },
    en: { name: 'Customers', definition: 'Customers who moved from the start stage to the end stage between the two chosen days (each day classified on its own data).' },
  },
  journey_from_date: {
    zh: { name: '起点日期', definition: '旅程的起点日（YYYY-MM-DD）。' },
    en: { name: 'Start day', definition: "The journey's start day (YYYY-MM-DD)." },
  },
  journey_to_date: {
    zh: { name: '终点日期', definition: '旅程的终点日（YYYY-MM-DD）。' },
    en: { name: 'End day', definition: "The journey's end day (YYYY-MM-DD)." },
  },
  journey_from_lifecycle_stage: stage('生命周期', 'lifecycle stage', 'from'),
  journey_to_lifecycle_stage: stage('生命周期', 'lifecycle stage', 'to'),
  journey_from_rfm_segment: stage('RFM分层', 'RFM segment', 'from'),
  journey_to_rfm_segment: stage('RFM分层', 'RFM segment', 'to'),
  journey_from_aipl_stage: stage('AIPL阶段', 'AIPL stage', 'from'),
  journey_to_aipl_stage: stage('AIPL阶段', 'AIPL stage', 'to'),
  journey_from_five_a_stage: stage('5A阶段', '5A stage', 'from'),
  journey_to_five_a_stage: stage('5A阶段', '5A stage', 'to'),
} satisfies Record<string, Definition>;

export type JourneyId = keyof typeof JOURNEY_DEFINITIONS;
