/** The one error body shape every endpoint returns. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: Array<{ field: string; rule: string }>;
}

export function issue(field: string, rule: string): { field: string; rule: string } {
  return { field, rule };
}
