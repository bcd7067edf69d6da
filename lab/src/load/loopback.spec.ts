import { describe, expect, it } from 'vitest';
import { allowTargetHosts, assertLoopbackUrl } from './loopback.js';

describe('the loopback guard and --allow-host', () => {
  it('allows loopback and refuses any other host, saying how to name it', () => {
    expect(assertLoopbackUrl('http://127.0.0.1:8000/x')).toBe('http://127.0.0.1:8000/x');
    expect(assertLoopbackUrl('http://[::1]:8000/')).toBe('http://[::1]:8000/');
    expect(() => assertLoopbackUrl('http://10.1.2.3:8000/')).toThrow(
      /refusing to send load to 10\.1\.2\.3: .*--allow-host 10\.1\.2\.3/,
    );
    expect(() => assertLoopbackUrl('ftp://127.0.0.1/')).toThrow(/must be http\(s\)/);
  });

  it('allows a host once it is named, and only that host', () => {
    allowTargetHosts(['Staging.Internal']);
    expect(assertLoopbackUrl('http://staging.internal:8080/orders')).toBe(
      'http://staging.internal:8080/orders',
    );
    expect(() => assertLoopbackUrl('http://staging.internal.example.com/')).toThrow(/refusing/);
  });

  it('refuses a pattern or a port as a host name', () => {
    expect(() => allowTargetHosts(['*.internal'])).toThrow(/name one host/);
    expect(() => allowTargetHosts(['staging:8080'])).toThrow(/name one host/);
  });
});
