/** The drill path back up from a list, from the URL alone. Pure. */
import { linkWith } from '../../../lib/filters.ts';

export interface PathStep {
  /** A message key, or null when `text` is the label itself. */
  key: string | null;
  text?: string;
  to: string;
}

export function drillPath(params: URLSearchParams): PathStep[] {
  const via = params.get('via');
  const channel = params.get('channel');
  const campaign = params.get('campaign');
  const employee = params.get('employee');
  const team = params.get('team');
  const steps: PathStep[] = [];
  switch (via) {
    case 'overview':
      steps.push({ key: 'crumb.overview', to: linkWith('/', params) });
      break;
    case 'channels':
      steps.push({ key: 'channels.title', to: linkWith('/channels', params, { channel: null, campaign: null }) });
      if (channel) steps.push({ key: null, text: channel, to: linkWith('/channels', params, { campaign: null }) });
      if (channel && campaign) steps.push({ key: null, text: campaign, to: linkWith('/channels', params) });
      if (employee) steps.push({ key: null, text: employee, to: linkWith('/channels', params) });
      break;
    case 'staff': {
      steps.push({ key: 'staff.title', to: linkWith('/staff', params, { team: null }) });
      if (team) steps.push({ key: null, text: team, to: linkWith('/staff', params) });
      const owner = params.get('owner');
      const name = params.get('owner_name');
      if (owner) steps.push({ key: null, text: name ?? `#${owner}`, to: linkWith('/staff', params, { employee: owner }) });
      break;
    }
    case 'segments': {
      steps.push({ key: 'segments.title', to: linkWith('/segments', params) });
      const value = params.get('value');
      if (value) steps.push({ key: null, text: value, to: linkWith('/segments', params) });
      break;
    }
    case 'activities':
      steps.push({ key: 'activities.title', to: linkWith('/activities', params, { campaign: null, channel: null }) });
      if (campaign) steps.push({ key: null, text: campaign, to: linkWith('/activities', params, { channel: null }) });
      if (campaign && channel) steps.push({ key: null, text: channel, to: linkWith('/activities', params) });
      break;
    default:
      break;
  }
  return steps;
}
