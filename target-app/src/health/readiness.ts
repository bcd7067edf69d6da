/** Ready once listening; not ready from the moment shutdown begins, so balancers stop sending. */
export class Readiness {
  private state: 'starting' | 'ready' | 'draining' = 'starting';

  get current(): 'starting' | 'ready' | 'draining' {
    return this.state;
  }

  markReady(): void {
    if (this.state === 'starting') this.state = 'ready';
  }

  markDraining(): void {
    this.state = 'draining';
  }
}
