import type { RunConfig } from '../model.js';

/**
 * The words a report uses for what it compared: the lab's strategies and its /ping, or the
 * variants of your own service and its probe as given ("GET /health").
 */
export interface ReportTerms {
  probe: string;
  /** What a row is. */
  row: 'strategy' | 'variant';
}

export function termsOf(config: RunConfig): ReportTerms {
  return config.service
    ? { probe: config.service.probe, row: 'variant' }
    : { probe: '/ping', row: 'strategy' };
}
