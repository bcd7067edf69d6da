/** The one error body shape every endpoint returns. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: Array<{ field: string; rule: string }>;
  /** Set when a task was recorded anyway (a 503 rejection), so the client can look it up. */
  task_id?: string;
  status_url?: string;
}

export function issue(field: string, rule: string): { field: string; rule: string } {
  return { field, rule };
}
